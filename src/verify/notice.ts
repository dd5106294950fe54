import { plainMessage } from './mime.ts';
import { formatPhone } from './number-of-record.ts';
import type { TaskReason, VerificationTask } from './store/tasks.ts';

/**
 * The mail Medshield sends its own people about verification, in plain words: why an
 * outbound message was held and what happens next; that it was returned and why; that a
 * task is overdue. They never quote the patient data that caused the hold (only its kind),
 * and never a number from the suspicious mail except to say "do not call it".
 */

export interface NoticeContext {
  from: string;
  orgName: string;
  hostname: string;
  now?: Date;
}

function compose(ctx: NoticeContext, o: { to: string; subject: string; text: string; attach?: Buffer; kind: string }): Buffer {
  return plainMessage({
    from: ctx.from,
    to: o.to,
    subject: o.subject,
    text: o.text,
    date: ctx.now ?? new Date(),
    hostname: ctx.hostname,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Medshield-Notice': o.kind },
    ...(o.attach ? { attach: { filename: 'your-message.eml', raw: o.attach } } : {}),
  });
}

function reasonLines(reasons: TaskReason[]): string[] {
  return reasons.map((r) => `  - ${r.words}`);
}

/** To the staff member whose message was held. */
export function heldNotice(ctx: NoticeContext, t: { task: VerificationTask; subject: string; sentKinds: string }): Buffer {
  const task = t.task;
  const text = [
    `Your message "${oneLine(t.subject)}" to ${task.parties.join(', ')} has not been sent. Medshield is holding it.`,
    '',
    `Why: it contains ${t.sentKinds}, and`,
    ...reasonLines(task.reasons),
    '',
    'What happens next: the security team will check who the recipient really is by calling a phone number on record for them ' +
      '(never a number given in an email). If the recipient is confirmed, your message is delivered as it is and you do not need to do anything. ' +
      `If not, it comes back to you. The team aims to finish by ${task.dueAt.toUTCString()}.`,
    '',
    'Meanwhile: please do not send the same information again by another route, and do not call phone numbers given in the email you were answering.',
    ...(task.numbersInMail.filter((n) => !n.owner).length ? [`Numbers in that email that are on record for no one: ${task.numbersInMail.filter((n) => !n.owner).map((n) => formatPhone(n.e164)).join(', ')} — do not call them.`] : []),
    '',
    `Verification task #${task.id}. Questions: reply to this message or contact the security team.`,
    '',
    `— Medshield${ctx.orgName ? ` for ${ctx.orgName}` : ''}`,
  ].join('\n');
  return compose(ctx, { to: task.requester, subject: `Held for verification: ${oneLine(t.subject)}`, text, kind: `held task=${task.id}` });
}

/** To the staff member whose held message could not be sent: it comes back, with the original when it stays inside. */
export function returnedNotice(ctx: NoticeContext, t: { task: VerificationTask; outcome: string; subject: string; why: string; original: Buffer | null }): Buffer {
  const task = t.task;
  const text = [
    `Your message "${oneLine(t.subject)}" to ${task.parties.join(', ')} was NOT sent, and is returned to you${t.original ? ' (attached)' : ''}.`,
    '',
    `Why: ${t.why}`,
    '',
    t.outcome === 'failed'
      ? 'The recipient could not be confirmed as who they claim to be: treat the conversation as a scam. Do not send the information by any other route. The security team has opened an incident.'
      : 'If the information must still reach them, contact the recipient through a number on record and agree a safe way to send it, or ask the security team to verify them.',
    '',
    `Verification task #${task.id}.`,
    '',
    `— Medshield${ctx.orgName ? ` for ${ctx.orgName}` : ''}`,
  ].join('\n');
  return compose(ctx, { to: task.requester, subject: `Not sent: ${oneLine(t.subject)}`, text, attach: t.original ?? undefined, kind: `returned task=${task.id}` });
}

/** To the escalation address when a task is overdue. */
export function escalationNotice(ctx: NoticeContext, to: string, task: VerificationTask): Buffer {
  const text = [
    `Verification task #${task.id} is overdue (due ${task.dueAt.toUTCString()}) and now assigned to ${task.owner}.`,
    '',
    `Verify: ${task.partyAddress}${task.claimed ? ` (presents itself as ${task.claimed})` : ''}`,
    ...reasonLines(task.reasons),
    '',
    task.numbersOfRecord.length ? `Numbers on record: ${task.numbersOfRecord.map((n) => `${formatPhone(n.e164)} (${n.label})`).join('; ')}` : 'No number on record: find one independently (never the one in the email).',
    '',
    `— Medshield${ctx.orgName ? ` for ${ctx.orgName}` : ''}`,
  ].join('\n');
  return compose(ctx, { to, subject: `Overdue verification task #${task.id}`, text, kind: `escalation task=${task.id}` });
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim() || '(no subject)';
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
}
