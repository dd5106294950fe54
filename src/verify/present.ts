import type { BlockEntryView, TaskDetail, TaskSummary, VerifiedContactView } from '../api/schemas/verify.ts';
import type { QuarantineStore } from '../quarantine/quarantine-store.ts';
import { formatPhone } from './number-of-record.ts';
import type { BlockEntry } from './store/blocklist.ts';
import type { VerifiedContact } from './store/contacts.ts';
import type { TaskEvent, VerificationTask } from './store/tasks.ts';

/** Tasks, contacts and blocks as the API and the CLI show them (no message content). */

export function presentTask(t: VerificationTask, now = new Date()): TaskSummary {
  return {
    id: t.id,
    kind: t.kind,
    status: t.status,
    party: t.partyAddress,
    parties: t.parties,
    claimed: t.claimed,
    asked: t.asked,
    reasons: t.reasons,
    owner: t.owner,
    dueAt: t.dueAt.toISOString(),
    overdue: t.status === 'open' && t.dueAt.getTime() <= now.getTime(),
    escalationLevel: t.escalationLevel,
    createdAt: t.createdAt.toISOString(),
    completedAt: t.completedAt?.toISOString() ?? null,
    completedBy: t.completedBy,
    messageAction: t.messageAction,
    disposition: t.disposition,
    incidentId: t.incidentId,
    campaignId: t.campaignId,
    spoolId: t.spoolId,
    quarantineId: t.quarantineId,
  };
}

export function presentTaskDetail(t: VerificationTask, o: { events: TaskEvent[]; quarantine: Pick<QuarantineStore, 'get'>; subject: string | null; attestation: string | null; now?: Date }): TaskDetail {
  const onRecord = new Set(t.numbersOfRecord.map((n) => n.e164));
  return {
    ...presentTask(t, o.now),
    numbersOfRecord: t.numbersOfRecord.map((n) => ({ ...n, display: formatPhone(n.e164) })),
    numbersInMail: t.numbersInMail.map((n) => ({ ...n, display: formatPhone(n.e164), unverified: !onRecord.has(n.e164) })),
    requester: t.requester,
    recipients: t.recipients,
    relatedSpoolId: t.relatedSpoolId,
    phoneUsed: t.phoneUsed,
    messageStatus: t.quarantineId ? (o.quarantine.get(t.quarantineId)?.status ?? 'gone') : null,
    subject: o.subject,
    attestation: o.attestation,
    events: o.events.map((e) => ({ at: e.at.toISOString(), actor: e.actor, kind: e.kind, summary: e.summary })),
    protocol: protocolSteps(t),
  };
}

/** The verification protocol for this task, in the order the verifier follows it. */
export function protocolSteps(t: VerificationTask): string[] {
  const who = t.claimed ? `${t.partyAddress} (presenting as ${t.claimed})` : t.partyAddress;
  const numbers = t.numbersOfRecord.length
    ? `Call a number on record: ${t.numbersOfRecord.map((n) => `${formatPhone(n.e164)} — ${n.label} (${n.source})`).join('; ')}.`
    : 'No number is on record: look one up independently (the organisation’s own website, NPPES, the insurer’s card) — never a number from the email.';
  const struck = t.numbersInMail.filter((n) => !t.numbersOfRecord.some((r) => r.e164 === n.e164));
  return [
    numbers,
    ...(struck.length ? [`Do not call ${struck.map((n) => formatPhone(n.e164)).join(', ')}: ${struck.length === 1 ? 'it comes' : 'they come'} from the email and ${struck.length === 1 ? 'is' : 'are'} unverified.`] : []),
    `Ask whether ${who} really ${t.kind === 'outbound-phi' ? 'is the intended recipient and should receive this patient information' : `sent this request for ${t.asked.join(', ')}`}.`,
    'Record the outcome: verified (the message is released and the address becomes a verified contact), failed (an incident is opened and the numbers and addresses are blocked), or unreachable.',
    'Write what was confirmed and by whom in the attestation.',
  ];
}

export function presentContact(c: VerifiedContact, now = new Date()): VerifiedContactView {
  return {
    address: c.address,
    domain: c.domain,
    verifiedAt: c.verifiedAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    verifiedBy: c.verifiedBy,
    taskId: c.taskId,
    phone: c.phone,
    active: !c.revokedAt && c.expiresAt.getTime() > now.getTime(),
  };
}

export function presentBlock(b: BlockEntry): BlockEntryView {
  return {
    id: b.id,
    kind: b.kind,
    value: b.value,
    display: b.kind === 'phone' ? formatPhone(b.value) : b.value,
    reason: b.reason,
    taskId: b.taskId,
    campaignId: b.campaignId,
    createdAt: b.createdAt.toISOString(),
    createdBy: b.createdBy,
    liftedAt: b.liftedAt?.toISOString() ?? null,
  };
}
