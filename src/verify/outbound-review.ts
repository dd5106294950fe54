import type { Signal } from '../analyzers/analyzer.ts';
import type { Verdict } from '../engine/verdict.ts';
import type { ReviewOutcome } from '../gateway/gateway.ts';
import type { MessageRow } from '../gateway/journal.ts';
import type { CampaignRef } from './incident-sink.ts';
import type { MessageFacts } from './facts/message-facts.ts';
import { heldNotice } from './notice.ts';
import { describeKinds } from './phi/detect.ts';
import type { ReviewContext } from './review-context.ts';
import { amendVerdict, verifySignal } from './signals.ts';
import type { FlaggedMessage } from './store/flagged.ts';
import type { NumberInMail, NumberOfRecord, TaskReason } from './store/tasks.ts';

type Standing = 'org' | 'partner' | 'verified' | 'blocked' | 'campaign' | 'phish-sender' | 'first-contact' | 'unverified';

interface RecipientCheck {
  address: string;
  standing: Standing;
  words: string;
  campaign?: CampaignRef;
  flagged?: FlaggedMessage;
}

/**
 * Mail staff send through the submission listener, after the scan. When it goes to anyone
 * outside the organisation who is not a verified partner or verified contact, its body and
 * attachments are read for PHI; with PHI it is held for verification of the recipient, a
 * task is opened and the sender is told why in plain words. A reply to a message the gateway
 * flagged as phishing, or mail to an address of an active campaign, also opens an incident.
 */
export async function reviewOutbound(ctx: ReviewContext, row: MessageRow, raw: Buffer, verdict: Verdict): Promise<ReviewOutcome | null> {
  const v = ctx.config.verify;
  if (!v.enabled || !v.outbound.enabled || (verdict.action !== 'deliver' && verdict.action !== 'tag')) return null;
  const checks = row.rcptTo.map((r) => classify(ctx, r));
  const external = checks.filter((c) => c.standing !== 'org');
  if (external.length === 0) return null;
  const tlsPartners = external.filter((c) => c.standing === 'partner' && v.outbound.requireTlsTo.includes(ctx.parties.domainOf(c.address)));
  const tlsGap = tlsPartners.length > 0 && !ctx.config.gateway.relay.requireTls && !!(ctx.config.gateway.relay.target || process.env.MEDSHIELD_RELAY);
  let risky = external.filter((c) => c.standing !== 'partner' && c.standing !== 'verified');
  if (risky.length === 0 && !tlsGap) return null;

  const read = await ctx.reader.read(raw, { phiScan: true, textChars: 0 });
  const facts: MessageFacts | null = read.ok ? read.facts : null;
  // Which flagged (phishing) message this answers, by its headers.
  const answered = facts ? ctx.service.flagged.byMessageIds(facts.answers)[0] : undefined;
  if (answered) {
    for (const c of risky) if (!c.flagged) c.flagged = answered;
    // Answering a phish makes even a verified contact's address worth a second look.
    risky = external.filter((c) => c.standing !== 'partner' && (c.standing !== 'verified' || c.address === answered.from || answered.replyTo.includes(c.address)));
  }
  const unreadable = !facts ? [`the message could not be read (${read.ok ? '' : read.error})`] : facts.unreadable;
  const phi = !!facts?.phi.phi;
  const holdForUnreadable = v.outbound.holdUnreadable && unreadable.length > 0 && risky.length > 0;
  if (!phi && !holdForUnreadable) return null;
  const tlsHold = phi && tlsGap;
  if (risky.length === 0 && !tlsHold) return null;

  const kinds = facts?.phi.kinds ?? [];
  const sentKinds = phi ? describeKinds(kinds) : 'attachments that could not be checked for patient data';
  const signals: Signal[] = [];
  const reasons: TaskReason[] = [];
  for (const c of risky) reasons.push({ code: c.standing, words: c.words });
  if (answered) reasons.push({ code: 'phish-reply', words: `it answers a message Medshield ${answered.action === 'tag' ? 'flagged' : 'stopped'} as suspicious${answered.claimed ? ` (it pretended to be ${answered.claimed})` : ''}` });
  if (tlsHold) for (const c of tlsPartners) reasons.push({ code: 'tls-required', words: `${c.address}'s organisation must receive patient data over TLS, and this gateway's relay does not enforce TLS` });
  if (holdForUnreadable && !phi) reasons.push({ code: 'unreadable', words: `it could not be checked: ${unreadable.join('; ')}` });

  const campaign = risky.map((c) => c.campaign).find((x) => x) ?? (answered ? (ctx.service.incidents?.campaignOfMessage(answered.spoolId) ?? null) : null) ?? undefined;
  const evidence = `${sentKinds} to ${risky.map((c) => c.address).join(', ') || tlsPartners.map((c) => c.address).join(', ')}`;
  if (answered || risky.some((c) => c.standing === 'phish-sender')) signals.push(verifySignal('OUTBOUND_PHI_PHISH_REPLY', evidence));
  if (campaign || risky.some((c) => c.standing === 'campaign' || c.standing === 'blocked')) signals.push(verifySignal('OUTBOUND_PHI_CAMPAIGN', `${evidence}${campaign ? `; campaign ${campaign.name}` : ''}`));
  if (risky.some((c) => c.standing === 'unverified' || c.standing === 'first-contact')) signals.push(verifySignal('OUTBOUND_PHI_UNVERIFIED', evidence));
  if (tlsHold) signals.push(verifySignal('OUTBOUND_PHI_TLS_REQUIRED', evidence));
  if (holdForUnreadable && !phi) signals.push(verifySignal('OUTBOUND_UNREADABLE', unreadable.join('; ')));
  const amended = amendVerdict(verdict, { signals, action: 'hold', rule: 'sender verification: patient data to an unverified recipient' });

  const party = (risky[0] ?? tlsPartners[0])!;
  const record = recordNumbers(ctx, party.address, answered);
  const parties = (risky.length ? risky : tlsPartners).map((c) => c.address);
  const incidentWanted = !!answered || !!campaign || risky.some((c) => c.standing === 'campaign' || c.standing === 'phish-sender' || c.standing === 'blocked');
  const now = new Date();
  const subject = facts?.subject ?? verdict.summary.subject;
  return {
    verdict: amended,
    commit: ({ quarantineId, enqueue }) => {
      const id = ctx.service.tasks.create({
        kind: 'outbound-phi',
        spoolId: row.spoolId,
        quarantineId,
        messageAction: amended.action,
        partyAddress: party.address,
        parties,
        claimed: record.claimed,
        asked: kinds.length ? kinds.map((k) => describeKinds([k])) : [sentKinds],
        reasons,
        numbersOfRecord: record.numbersOfRecord,
        numbersInMail: record.numbersInMail,
        requester: row.mailFrom.toLowerCase(),
        recipients: row.rcptTo,
        relatedSpoolId: answered?.spoolId ?? party.flagged?.spoolId ?? null,
        campaignId: campaign?.id ?? null,
        subject,
        owner: v.tasks.owner,
        dueAt: new Date(now.getTime() + v.tasks.dueHours * 3600_000),
        createdAt: now,
      });
      const sink = ctx.service.incidents;
      let task = ctx.service.tasks.mustGet(id);
      if (incidentWanted && sink && !task.incidentId) {
        const ref = sink.openIncident({
          kind: 'phi-reply-to-campaign',
          title: `Patient data sent in reply to ${campaign ? `campaign ${campaign.name}` : (answered?.claimed || 'a phishing message')}`,
          severity: 'high',
          campaignId: campaign?.id ?? null,
          spoolIds: [row.spoolId, ...(task.relatedSpoolId ? [task.relatedSpoolId] : [])],
          actor: 'gateway',
          summary: `Outbound mail with ${sentKinds} to ${parties.join(', ')} was held before it left (verification task #${id}).`,
          dedupeKey: `verify-phi-reply:${row.spoolId}`,
        });
        if (ref) {
          ctx.service.tasks.setIncident(id, ref.id, ref.campaignId, 'gateway');
          task = ctx.service.tasks.mustGet(id);
        }
      }
      if (task.requester) {
        enqueue({ raw: heldNotice(ctx.service.noticeContext(now), { task, subject, sentKinds }), mailFrom: '', rcptTo: [task.requester], origin: 'digest' });
        ctx.service.tasks.event(id, 'gateway', 'notified', `the sender (${task.requester}) was told why, by mail`);
      }
    },
  };
}

function classify(ctx: ReviewContext, address: string): RecipientCheck {
  const a = address.toLowerCase();
  if (ctx.parties.isOrg(a)) return { address: a, standing: 'org', words: '' };
  const partner = ctx.parties.partnerOf(a);
  const blocked = ctx.service.blocklist.snapshot().addresses.get(a);
  if (blocked) return { address: a, standing: 'blocked', words: `${a} was blocked after ${blocked.reason}` };
  const campaign = ctx.service.incidents?.campaignOfAddress(a) ?? null;
  if (campaign?.active) return { address: a, standing: 'campaign', words: `${a} belongs to the active phishing campaign ${campaign.name}`, campaign };
  const flagged = ctx.service.flagged.byAddress(a, new Date(Date.now() - ctx.config.verify.flaggedDays * 86_400_000))[0];
  if (flagged && !partner) return { address: a, standing: 'phish-sender', words: `${a} sent mail Medshield ${flagged.action === 'tag' ? 'flagged' : 'stopped'} as suspicious`, flagged };
  if (partner) return { address: a, standing: 'partner', words: `${a} is at verified partner ${partner}` };
  if (ctx.service.contacts.isVerified(a)) return { address: a, standing: 'verified', words: `${a} is a verified contact` };
  const p = ctx.profile(a);
  if (!p || (!p.solicited && p.messagesFromAddress === 0)) return { address: a, standing: 'first-contact', words: `${a} is a first contact: nobody here has written to or heard from this address before` };
  return { address: a, standing: 'unverified', words: `${a} is not a verified partner or contact` };
}

/** For a reply to a phish, whom it pretended to be is the party to call about; else the recipient's own numbers on record. */
function recordNumbers(ctx: ReviewContext, address: string, answered: FlaggedMessage | undefined): { claimed: string; numbersOfRecord: NumberOfRecord[]; numbersInMail: NumberInMail[] } {
  const own = ctx.numbers.lookup({ fromAddress: address, fromName: '', subject: '', text: '', phonesInMail: [] });
  if (!answered) return own;
  const seen = new Set(answered.numbersOfRecord.map((n) => n.e164));
  return {
    claimed: answered.claimed || own.claimed,
    numbersOfRecord: [...answered.numbersOfRecord, ...own.numbersOfRecord.filter((n) => !seen.has(n.e164))],
    numbersInMail: answered.numbersInMail,
  };
}
