import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Disposition } from '../gateway/gateway.ts';
import { sendMessage } from '../gateway/send-client.ts';
import { respondIncidents } from './respond-incidents.ts';
import { TaskError } from './store/tasks.ts';
import { startVerifyGateway, STAFF, type VerifyGateway } from './testing/verify-gateway.ts';

/**
 * Issue 8's acceptance, through the real gateway on loopback: the real scanner with the demo
 * organisation's provider directory, the production quarantine and audit stores, the respond
 * module (campaigns, incidents) and sender verification; Maildir delivery, so a message
 * "delivered" to an outside address is a file in that address's Maildir.
 */

let n = 0;
function mail(o: { from: string; to: string; subject: string; body: string[]; headers?: string[]; messageId?: string }): Buffer {
  n++;
  return Buffer.from(
    [
      `From: ${o.from}`,
      `To: ${o.to}`,
      `Subject: ${o.subject}`,
      `Message-ID: <${o.messageId ?? `m${n}.${process.pid}@test.example`}>`,
      'Date: Mon, 16 Nov 2026 09:12:00 -0500',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      ...(o.headers ?? []),
      '',
      ...o.body,
      '',
    ].join('\r\n'),
  );
}

/** The display-name impersonation: a directory clinician's name on a free-mail address, asking for a patient's SSN and DOB. */
function impersonation(sender: string, messageId: string, to: string): Buffer {
  return mail({
    from: `"Dr. Elizabeth Carter" <${sender}>`,
    to,
    subject: 'URGENT: patient details needed for referral today',
    messageId,
    body: [
      'Hello,',
      "I am covering for Dr. Reyes this week and need to complete a referral before the end of the day. Please reply with the patient's full name, date of birth and social security number for John Roe.",
      'I am in clinic and cannot take calls on the main line; if urgent call my cell at (508) 555-0199.',
      '',
      'Dr. Elizabeth Carter, MD',
    ],
  });
}

const PATIENT_DATA = ['Here are the details you asked for:', 'Patient: ROE, John   DOB: 04/12/1958   SSN: 212-48-6617', '', 'HIM desk'];

describe('sender verification and the outbound PHI guard (real gateway, loopback)', () => {
  let t: VerifyGateway;
  const disposed: Disposition[] = [];
  const send = async (m: { from: string; to: string[]; raw: Buffer }) => {
    const before = disposed.length;
    const r = await sendMessage(t.gw.ports.smtp, m);
    assert.equal(r.code, 250, r.response);
    await t.drain();
    return disposed.slice(before);
  };
  const submit = async (m: { from: string; to: string[]; raw: Buffer }) => {
    const before = disposed.length;
    const r = await sendMessage(t.gw.ports.submission!, m, { auth: STAFF });
    assert.equal(r.code, 250, r.response);
    await t.drain();
    return disposed.slice(before);
  };
  const notices = async (mailbox: string) => Promise.all(t.maildir(mailbox).map((b) => simpleParser(b)));
  const sink = () => respondIncidents(() => t.gw.respond);

  before(async () => {
    t = await startVerifyGateway();
    t.gw.core.on('disposed', (d: Disposition) => disposed.push(d));
  });
  after(async () => {
    await t?.stop();
  });

  let phishSpool = '';
  let campaignId = '';

  it('a staff member replying to a display-name impersonation phish with a patient’s SSN and DOB: held, sender told, incident linked to the campaign', async () => {
    // The campaign: the same impersonation to two desks, from two throw-away addresses, one callback number.
    const [a] = await send({ from: 'dr.liz.carter.md@gmail.com', to: ['him@stmarys-health.org'], raw: impersonation('dr.liz.carter.md@gmail.com', 'phish-a@mail.gmail.com', 'him@stmarys-health.org') });
    const [b] = await send({ from: 'e.carter.referrals@gmail.com', to: ['records@stmarys-health.org'], raw: impersonation('e.carter.referrals@gmail.com', 'phish-b@mail.gmail.com', 'records@stmarys-health.org') });
    assert.equal(a!.outcome, 'quarantined');
    assert.ok(a!.signals.includes('STAFF_DISPLAY_NAME_IMPERSONATION'), a!.signals.join());
    assert.ok(t.quarantine.get(a!.quarantineId!)!.signals.some((s) => s.id === 'VERIFY_REQUIRED'));
    assert.equal(b!.outcome, 'quarantined');
    phishSpool = a!.spoolId;
    // Respond clusters right after each verdict commits (setImmediate): let that start, then wait for it.
    await new Promise((r) => setImmediate(r));
    await t.gw.respond!.idle();
    const campaign = sink().campaignOfMessage(phishSpool);
    assert.ok(campaign, `the respond module grouped the two phish into a campaign: ${JSON.stringify(t.gw.respond!.campaigns.list())} ${JSON.stringify(t.gw.respond!.log.get(phishSpool))}`);
    assert.deepEqual(sink().campaignOfMessage(b!.spoolId)?.id, campaign.id);
    campaignId = campaign.id;

    // The inbound request opened a verification task naming the numbers on record, never the one in the mail.
    const inboundTask = t.verify.service.tasks.bySpoolId(phishSpool)!;
    assert.equal(inboundTask.kind, 'inbound-request');
    assert.equal(inboundTask.claimed, 'Dr. Elizabeth Carter, MD');
    assert.ok(inboundTask.numbersOfRecord.some((x) => x.e164 === '+16175550111' && x.source === 'directory'));
    assert.ok(!inboundTask.numbersOfRecord.some((x) => x.e164 === '+15085550199'));
    assert.deepEqual(inboundTask.numbersInMail.map((x) => [x.e164, x.owner]), [['+15085550199', null]]);

    // The HIM desk answers it anyway (a copy reached them another way), with the patient's data.
    const [reply] = await submit({
      from: 'him@stmarys-health.org',
      to: ['dr.liz.carter.md@gmail.com'],
      raw: mail({
        from: 'HIM Desk <him@stmarys-health.org>',
        to: '"Dr. Elizabeth Carter" <dr.liz.carter.md@gmail.com>',
        subject: 'Re: URGENT: patient details needed for referral today',
        headers: ['In-Reply-To: <phish-a@mail.gmail.com>', 'References: <phish-a@mail.gmail.com>'],
        body: PATIENT_DATA,
      }),
    });
    assert.equal(reply!.action, 'hold');
    assert.equal(reply!.outcome, 'quarantined');
    assert.equal(t.maildir('dr.liz.carter.md@gmail.com').length, 0, 'nothing reached the phisher');
    const held = t.quarantine.get(reply!.quarantineId!)!;
    assert.equal(held.status, 'held');
    assert.ok(held.signals.some((s) => s.id === 'OUTBOUND_PHI_PHISH_REPLY'));

    const task = t.verify.service.tasks.bySpoolId(reply!.spoolId)!;
    assert.equal(task.kind, 'outbound-phi');
    assert.equal(task.relatedSpoolId, phishSpool);
    assert.deepEqual(task.asked, ['a Social Security number', 'a date of birth']);
    assert.ok(task.incidentId, 'an incident was opened');
    assert.equal(task.campaignId, campaignId);
    const incident = t.gw.respond!.incidents.get(Number(task.incidentId))!;
    assert.equal(String(incident.campaignId), campaignId, 'the incident is the campaign’s');
    assert.ok(t.gw.respond!.incidents.messages(incident.id).includes(reply!.spoolId), 'the held reply is linked to the incident');

    // The sender is told, in plain words, without the patient's data.
    const [notice] = await notices('him@stmarys-health.org');
    assert.match(notice!.subject ?? '', /^Held for verification: Re: URGENT/);
    assert.match(notice!.text ?? '', /has not been sent/);
    assert.match(notice!.text ?? '', /it contains a Social Security number and a date of birth/);
    assert.match(notice!.text ?? '', /answers a message Medshield stopped as suspicious \(it pretended to be Dr\. Elizabeth Carter, MD\)/);
    assert.match(notice!.text ?? '', /\(508\) 555-0199 — do not call/);
    assert.doesNotMatch(notice!.text ?? '', /212-48-6617|04\/12\/1958/);
    console.log(`  outcome: reply held (quarantine ${held.id}), task #${task.id}, incident ${incident.id} on campaign ${campaignId} "${incident.title}", notice "${notice!.subject}"`);
  });

  it('the same data to a verified partner clinic: delivered', async () => {
    const [out] = await submit({
      from: 'him@stmarys-health.org',
      to: ['referrals@lakesidecardio.com'],
      raw: mail({ from: 'HIM Desk <him@stmarys-health.org>', to: 'Lakeside Cardiology <referrals@lakesidecardio.com>', subject: 'Referral: John Roe', body: PATIENT_DATA }),
    });
    assert.equal(out!.outcome, 'delivering');
    const [delivered] = t.maildir('referrals@lakesidecardio.com');
    assert.match(delivered!.toString(), /SSN: 212-48-6617/);
    assert.equal(t.verify.service.tasks.bySpoolId(out!.spoolId), undefined, 'no verification needed');
    console.log(`  outcome: ${out!.action}, delivered to referrals@lakesidecardio.com`);
  });

  it('a patient writing in from free-mail with their own DOB to reschedule: tagged at most, not held', async () => {
    const [d] = await send({
      from: 'mary.jones1961@gmail.com',
      to: ['appointments@stmarys-health.org'],
      raw: mail({
        from: 'Mary Jones <mary.jones1961@gmail.com>',
        to: 'appointments@stmarys-health.org',
        subject: 'Need to reschedule my appointment',
        body: ['Hi, I need to reschedule my appointment with Dr. Hale on Thursday. My date of birth is 03/04/1961 in case you need it to find my chart.', 'Any morning next week works. Thanks, Mary Jones'],
      }),
    });
    assert.ok(d!.action === 'deliver' || d!.action === 'tag', `verdict ${d!.action}`);
    assert.equal(d!.outcome, 'delivering');
    assert.equal(t.maildir('appointments@stmarys-health.org').length, 1);
    assert.equal(t.verify.service.tasks.bySpoolId(d!.spoolId), undefined);
    console.log(`  outcome: ${d!.action} (score ${d!.score}), delivered, no task`);
  });

  it('a task completed as failed opens an incident and blocks the campaign’s callback number: later mail with it is quarantined', async () => {
    const task = t.verify.service.tasks.bySpoolId(phishSpool)!;
    // The number in the mail is never a verification.
    assert.throws(
      () => t.verify.service.complete(task.id, { outcome: 'failed', phoneUsed: '(508) 555-0199', attestation: 'called the number in the email', actor: 'user:analyst' }),
      (e: unknown) => e instanceof TaskError && /given in the email itself/.test(e.message),
    );
    const r = t.verify.service.complete(task.id, {
      outcome: 'failed',
      phoneUsed: '(617) 555-0111',
      attestation: "Called Dr. Carter's office line on record; her assistant confirmed she sent no such request and has no gmail address.",
      actor: 'user:analyst',
    });
    assert.equal(r.task.status, 'failed');
    assert.ok(r.incidentId);
    assert.equal(t.gw.respond!.incidents.get(Number(r.incidentId))!.campaignId, Number(campaignId), 'the incident is the campaign’s');
    assert.ok(r.blocked.includes('(508) 555-0199'), r.blocked.join());
    assert.ok(r.blocked.includes('dr.liz.carter.md@gmail.com'));
    assert.equal(t.quarantine.get(task.quarantineId!)!.status, 'held', 'the phish stays held');
    assert.ok(t.audit.list({ target: `verify-task:${task.id}` }).some((e) => e.action === 'verify.complete'));

    // A new variant from a fresh address and in other words, with the same callback number.
    const [d] = await send({
      from: 'billing@statement-notices.example',
      to: ['frontdesk@stmarys-health.org'],
      raw: mail({ from: 'Billing Office <billing@statement-notices.example>', to: 'frontdesk@stmarys-health.org', subject: 'Question about your statement', body: ['Hello, please give us a call at 508.555.0199 about the statement we sent last week.', 'Thank you.'] }),
    });
    assert.equal(d!.outcome, 'quarantined');
    assert.ok(d!.signals.includes('VERIFY_BLOCKED_NUMBER'), d!.signals.join());
    assert.equal(t.maildir('frontdesk@stmarys-health.org').length, 0);
    console.log(`  outcome: task #${task.id} failed → incident ${r.incidentId}; blocked ${r.blocked.join(', ')}; new mail with the number: ${d!.action} (${d!.signals.join(', ')})`);
  });

  it('a task completed as verified releases the message, and the sender becomes a verified contact', async () => {
    const request = () =>
      mail({
        from: 'Claims Unit <claims@northbridge-healthplan.example>',
        to: 'billing@stmarys-health.org',
        subject: 'Claim 44712: information needed',
        body: ['Good morning,', "To process claim 44712 please send us the patient's date of birth and member ID.", 'Regards, Northbridge Health Plan claims unit'],
      });
    const [d] = await send({ from: 'claims@northbridge-healthplan.example', to: ['billing@stmarys-health.org'], raw: request() });
    assert.equal(d!.action, 'hold', `held for verification (signals ${d!.signals.join()})`);
    assert.equal(t.maildir('billing@stmarys-health.org').length, 0);
    const task = t.verify.service.tasks.bySpoolId(d!.spoolId)!;
    assert.equal(task.kind, 'inbound-request');

    const r = t.verify.service.complete(task.id, { outcome: 'verified', phoneUsed: '+1 617 555 0188', attestation: 'Called Northbridge provider services at the number on their website; claims confirmed request 44712.', actor: 'user:analyst' });
    assert.equal(r.task.disposition, 'released');
    await t.drain();
    const [released] = t.maildir('billing@stmarys-health.org');
    assert.match(released!.toString(), /X-Medshield-Verdict: released/);
    assert.ok(t.verify.service.contacts.isVerified('claims@northbridge-healthplan.example'));

    // The next request from the verified contact goes straight through.
    const [next] = await send({ from: 'claims@northbridge-healthplan.example', to: ['billing@stmarys-health.org'], raw: request() });
    assert.ok(next!.action === 'deliver' || next!.action === 'tag', `${next!.action} ${next!.signals.join()} ${JSON.stringify(t.quarantine.get(next!.quarantineId ?? '')?.rules)}`);
    assert.equal(t.verify.service.tasks.bySpoolId(next!.spoolId), undefined);
    assert.equal(t.maildir('billing@stmarys-health.org').length, 2);
    console.log(`  outcome: task #${task.id} verified → released (${r.message}); next request: ${next!.action}, no task`);
  });

  it('outbound PHI to a first contact is held until verified, then delivered; the recipient becomes a verified contact', async () => {
    const letter = () => mail({ from: 'HIM Desk <him@stmarys-health.org>', to: 'dr.okafor@riverbend-peds.example', subject: 'Records for John Roe', body: PATIENT_DATA });
    const [held] = await submit({ from: 'him@stmarys-health.org', to: ['dr.okafor@riverbend-peds.example'], raw: letter() });
    assert.equal(held!.action, 'hold');
    const task = t.verify.service.tasks.bySpoolId(held!.spoolId)!;
    assert.deepEqual(task.reasons.map((x) => x.code), ['first-contact']);
    assert.equal(task.incidentId, null, 'no incident for an ordinary first contact');
    t.verify.service.complete(task.id, { outcome: 'verified', phoneUsed: '(413) 555-0180', attestation: 'Called Riverbend Pediatrics (NPPES practice phone); Dr. Okafor confirmed the address.', actor: 'user:analyst' });
    await t.drain();
    assert.equal(t.maildir('dr.okafor@riverbend-peds.example').length, 1);
    const [again] = await submit({ from: 'him@stmarys-health.org', to: ['dr.okafor@riverbend-peds.example'], raw: letter() });
    assert.equal(again!.outcome, 'delivering');
    assert.equal(t.maildir('dr.okafor@riverbend-peds.example').length, 2);
  });

  it('held outbound mail that cannot be verified goes back to its sender, never dropped', async () => {
    const [held] = await submit({
      from: 'him@stmarys-health.org',
      to: ['office@unknown-clinic.example'],
      raw: mail({ from: 'HIM Desk <him@stmarys-health.org>', to: 'office@unknown-clinic.example', subject: 'Patient list', body: PATIENT_DATA }),
    });
    const task = t.verify.service.tasks.bySpoolId(held!.spoolId)!;
    const before = t.maildir('him@stmarys-health.org').length;
    const r = t.verify.service.complete(task.id, { outcome: 'unreachable', attestation: 'No answer at the number on record, three tries over two hours.', actor: 'user:analyst' });
    assert.match(r.message, /returned to him@stmarys-health\.org/);
    await t.drain();
    const box = await notices('him@stmarys-health.org');
    assert.equal(box.length, before + 1);
    const returned = box.at(-1)!;
    assert.match(returned.subject ?? '', /^Not sent: Patient list/);
    assert.match(returned.text ?? '', /was NOT sent, and is returned to you \(attached\)/);
    const attached = returned.attachments.find((a) => a.contentType === 'message/rfc822');
    assert.ok(attached, 'the original comes back attached');
    assert.match(attached.content.toString(), /SSN: 212-48-6617/);
    assert.equal(t.maildir('office@unknown-clinic.example').length, 0);
    assert.equal(t.quarantine.get(task.quarantineId!)!.status, 'deleted', 'Medshield keeps no copy once it is back with its sender');
  });

  it('overdue tasks escalate, and held mail past its time goes back before the quarantine would expire it', async () => {
    const [held] = await submit({
      from: 'him@stmarys-health.org',
      to: ['someone@elsewhere-clinic.example'],
      raw: mail({ from: 'HIM Desk <him@stmarys-health.org>', to: 'someone@elsewhere-clinic.example', subject: 'Discharge summary', body: PATIENT_DATA }),
    });
    const task = t.verify.service.tasks.bySpoolId(held!.spoolId)!;
    const v = t.config.verify;
    const soon = new Date(task.dueAt.getTime() + 1000);
    assert.ok(t.verify.service.housekeeping(soon).escalated >= 1);
    const escalated = t.verify.service.tasks.get(task.id)!;
    assert.equal(escalated.owner, v.tasks.escalateTo);
    assert.equal(escalated.escalationLevel, 1);
    const late = new Date(task.createdAt.getTime() + v.outbound.returnAfterHours * 3600_000 + 1000);
    assert.ok(t.verify.service.housekeeping(late).returned >= 1);
    await t.drain();
    assert.equal(t.verify.service.tasks.get(task.id)!.disposition, 'returned');
    assert.match((await notices('him@stmarys-health.org')).at(-1)!.subject ?? '', /^Not sent: Discharge summary/);
  });
});
