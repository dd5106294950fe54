import type { AuditLog } from '../audit/audit-log.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { toE164 } from '../directory/phone.ts';
import type { OutboundMessage } from '../gateway/outbound-queue.ts';
import type { Cipher } from '../gateway/spool.ts';
import type { Logger } from '../gateway/log.ts';
import { QuarantineError, type QuarantineStore } from '../quarantine/quarantine-store.ts';
import type { Db } from '../store/database.ts';
import type { IncidentSink } from './incident-sink.ts';
import { escalationNotice, returnedNotice, type NoticeContext } from './notice.ts';
import { formatPhone } from './number-of-record.ts';
import { Blocklist } from './store/blocklist.ts';
import { ContactStore } from './store/contacts.ts';
import { FlaggedInbound } from './store/flagged.ts';
import { TaskError, TaskStore, type TaskOutcome, type VerificationTask } from './store/tasks.ts';

export interface VerifyServiceOptions {
  db: Db;
  cipher: Cipher;
  audit: AuditLog;
  quarantine: QuarantineStore;
  config: () => MedshieldConfig;
  incidents: IncidentSink | null;
  /** Queues mail for delivery without scanning, in the caller's transaction (a release, a notice). */
  enqueue: (m: OutboundMessage) => string;
  /** Wakes the delivery loop after something was queued. */
  kick: () => void;
  logger?: Logger;
}

export interface Completion {
  outcome: TaskOutcome;
  /** The verifier's short account: whom they called, who answered, what was confirmed. */
  attestation: string;
  /** The number called, as written; must not be a number taken from the message. */
  phoneUsed?: string;
  actor: string;
  /** Added to audit entries (the console's client address). */
  context?: Record<string, unknown>;
}

export interface CompletionResult {
  task: VerificationTask;
  /** What happened to the message and what else was done, in plain words. */
  message: string;
  blocked: string[];
  incidentId: string | null;
}

const MIN_ATTESTATION = 10;

/**
 * The verification protocol's actions, shared by the console API, the CLI and the
 * gateway's own housekeeping. Each completion is one transaction: the outcome, what follows
 * for the message (released, returned to its sender, kept held), verified contacts, blocks,
 * the incident, and the audit entry commit together or not at all.
 */
export class VerifyService {
  readonly tasks: TaskStore;
  readonly contacts: ContactStore;
  readonly blocklist: Blocklist;
  readonly flagged: FlaggedInbound;

  constructor(private readonly o: VerifyServiceOptions) {
    this.tasks = new TaskStore(o.db, o.cipher);
    this.contacts = new ContactStore(o.db);
    this.blocklist = new Blocklist(o.db);
    this.flagged = new FlaggedInbound(o.db);
  }

  get incidents(): IncidentSink | null {
    return this.o.incidents;
  }

  noticeContext(now = new Date()): NoticeContext {
    const c = this.o.config();
    return { from: c.verify.noticeFrom ?? `Medshield Security <security@${c.org.domains[0] ?? c.gateway.hostname}>`, orgName: c.org.name, hostname: c.gateway.hostname, now };
  }

  complete(id: number, c: Completion): CompletionResult {
    const attestation = c.attestation.trim();
    if (attestation.length < MIN_ATTESTATION) throw new TaskError('invalid', `write a short attestation (at least ${MIN_ATTESTATION} characters): whom you called, who answered, what they confirmed`);
    if (attestation.length > 4000) throw new TaskError('invalid', 'the attestation is limited to 4000 characters');
    const before = this.tasks.mustGet(id);
    const phone = this.checkPhone(before, c);
    // Read (and audit) the held message before the transaction when it is to go back to its sender.
    const returning = before.kind === 'outbound-phi' && c.outcome !== 'verified' && before.quarantineId && before.status === 'open';
    const original = returning ? this.heldContent(before, c.actor, c.context) : null;

    const result = this.o.db.transaction((): CompletionResult => {
      const task = this.tasks.complete(id, { status: c.outcome, actor: c.actor, attestation, phoneUsed: phone });
      const done: string[] = [];
      const blocked: string[] = [];
      let incidentId: string | null = null;
      if (c.outcome === 'verified') {
        const days = this.o.config().verify.contacts.days;
        for (const p of task.parties) this.contacts.add({ address: p, days, verifiedBy: c.actor, taskId: id, phone });
        done.push(`${task.parties.join(', ')} verified for ${days} days`);
        done.push(this.release(task, c));
      } else {
        if (c.outcome === 'failed') {
          blocked.push(...this.blockFor(task, c.actor));
          incidentId = this.openIncident(task, c.actor);
          if (blocked.length) done.push(`blocked: ${blocked.join(', ')}`);
          if (incidentId) done.push(`incident ${incidentId} opened`);
        }
        if (task.kind === 'outbound-phi') done.push(this.returnToSender(task, c.outcome, original, c.actor, c.context));
        else done.push(task.quarantineId ? 'the message stays held' : 'the message was delivered with a warning banner; nothing to release');
      }
      this.o.audit.record({
        actor: c.actor,
        action: 'verify.complete',
        target: `verify-task:${id}`,
        detail: { ...c.context, outcome: c.outcome, kind: task.kind, party: task.partyAddress, phoneUsed: phone, blocked, incidentId, spoolId: task.spoolId, quarantineId: task.quarantineId },
      });
      return { task: this.tasks.mustGet(id), message: done.filter(Boolean).join('; '), blocked, incidentId };
    })();
    this.o.kick();
    return result;
  }

  assign(id: number, owner: string, actor: string, context?: Record<string, unknown>): VerificationTask {
    const name = owner.trim();
    if (!name || name.length > 200) throw new TaskError('invalid', 'give an owner (a user or team name)');
    return this.o.db.transaction(() => {
      const t = this.tasks.assign(id, name, actor);
      this.o.audit.record({ actor, action: 'verify.assign', target: `verify-task:${id}`, detail: { ...context, owner: name } });
      return t;
    })();
  }

  /** A contact verified outside a task (a call made for another reason); the same rules: a number on record, an attestation. */
  addContact(o: { address: string; phoneUsed: string; attestation: string; actor: string; days?: number; context?: Record<string, unknown> }) {
    const attestation = o.attestation.trim();
    if (attestation.length < MIN_ATTESTATION) throw new TaskError('invalid', `write a short attestation (at least ${MIN_ATTESTATION} characters): whom you called and what they confirmed`);
    const phone = toE164(o.phoneUsed, this.o.config().verify.phoneRegions[0] ?? 'US');
    if (!phone) throw new TaskError('invalid', `'${o.phoneUsed}' is not a phone number`);
    const address = o.address.trim().toLowerCase();
    if (this.blocklist.active('address', address)) throw new TaskError('state', `${address} is blocked after a failed verification; lift the block first`);
    const days = o.days ?? this.o.config().verify.contacts.days;
    return this.o.db.transaction(() => {
      const c = this.contacts.add({ address, days, verifiedBy: o.actor, taskId: null, phone });
      this.o.audit.record({ actor: o.actor, action: 'verify.contact.add', target: `verify-contact:${address}`, detail: { ...o.context, days, phone, attestationChars: attestation.length } });
      return c;
    })();
  }

  revokeContact(address: string, actor: string, context?: Record<string, unknown>): boolean {
    return this.o.db.transaction(() => {
      const done = this.contacts.revoke(address, actor);
      if (done) this.o.audit.record({ actor, action: 'verify.contact.revoke', target: `verify-contact:${address.trim().toLowerCase()}`, detail: { ...context } });
      return done;
    })();
  }

  liftBlock(id: number, actor: string, context?: Record<string, unknown>): boolean {
    return this.o.db.transaction(() => {
      const done = this.blocklist.lift(id, actor);
      if (done) this.o.audit.record({ actor, action: 'verify.block.lift', target: `verify-block:${id}`, detail: { ...context } });
      return done;
    })();
  }

  /** The held message's subject (sealed in the store); reading it is audited. */
  subject(id: number, actor: string, context?: Record<string, unknown>): string {
    const s = this.tasks.subject(id);
    this.o.audit.record({ actor, action: 'verify.read-subject', target: `verify-task:${id}`, detail: { ...context } });
    return s;
  }

  /** The verifier's attestation; reading it is audited. */
  attestation(id: number, actor: string, context?: Record<string, unknown>): string {
    const a = this.tasks.attestation(id);
    if (a) this.o.audit.record({ actor, action: 'verify.read-attestation', target: `verify-task:${id}`, detail: { ...context } });
    return a;
  }

  /**
   * Periodic work: overdue tasks are escalated (and the escalation address told); held
   * outbound mail past `returnAfterHours` goes back to its sender, so nothing waits until the
   * quarantine's retention would delete it; old flags are forgotten.
   */
  housekeeping(now = new Date()): { escalated: number; returned: number; forgotten: number } {
    const v = this.o.config().verify;
    const dueMs = v.tasks.dueHours * 3600_000;
    let escalated = 0;
    for (const t of this.tasks.dueForEscalation(now, dueMs)) {
      this.o.db.transaction(() => {
        const level = t.escalationLevel + 1;
        this.tasks.escalate(t.id, v.tasks.escalateTo, level, 'system:verify');
        this.o.audit.record({ actor: 'system:verify', action: 'verify.escalate', target: `verify-task:${t.id}`, detail: { level, to: v.tasks.escalateTo } });
        if (v.tasks.escalationAddress) {
          const raw = escalationNotice(this.noticeContext(now), v.tasks.escalationAddress, this.tasks.mustGet(t.id));
          this.o.enqueue({ raw, mailFrom: '', rcptTo: [v.tasks.escalationAddress], origin: 'digest' });
        }
      })();
      escalated++;
    }
    let returned = 0;
    for (const t of this.tasks.heldOutboundOlderThan(new Date(now.getTime() - v.outbound.returnAfterHours * 3600_000))) {
      try {
        const original = this.heldContent(t, 'system:verify');
        this.o.db.transaction(() => {
          const task = this.tasks.complete(t.id, { status: 'cancelled', actor: 'system:verify', attestation: '', phoneUsed: null, at: now });
          this.returnToSender(task, 'expired', original, 'system:verify');
          this.o.audit.record({ actor: 'system:verify', action: 'verify.expire', target: `verify-task:${t.id}`, detail: { returnAfterHours: v.outbound.returnAfterHours } });
        })();
        returned++;
      } catch (err) {
        this.o.logger?.error('could not return held outbound mail', { task: t.id, error: (err as Error).message });
      }
    }
    const forgotten = this.flagged.prune(new Date(now.getTime() - v.flaggedDays * 86_400_000));
    if (escalated || returned) this.o.kick();
    return { escalated, returned, forgotten };
  }

  /** The number must be given for verified and failed, and must not come from the suspicious mail. */
  private checkPhone(t: VerificationTask, c: Completion): string | null {
    const written = c.phoneUsed?.trim() ?? '';
    if (!written) {
      if (c.outcome === 'unreachable') return null;
      throw new TaskError('invalid', 'say which number you called (phoneUsed): a number on record, never one from the email');
    }
    const region = this.o.config().verify.phoneRegions[0] ?? 'US';
    const e164 = toE164(written, region);
    if (!e164) throw new TaskError('invalid', `'${written}' is not a phone number`);
    const onRecord = t.numbersOfRecord.some((n) => n.e164 === e164);
    const fromMail = t.numbersInMail.find((n) => n.e164 === e164);
    if (fromMail && !onRecord && !fromMail.owner) {
      throw new TaskError('invalid', `${formatPhone(e164)} was given in the email itself; a verification must use a number on record (directory, NPPES, brand pack) or one you looked up independently`);
    }
    return e164;
  }

  private heldContent(t: VerificationTask, actor: string, context?: Record<string, unknown>): Buffer | null {
    if (!t.quarantineId) return null;
    const e = this.o.quarantine.get(t.quarantineId);
    if (!e || e.status !== 'held' || !e.bodyPresent) return null;
    return this.o.quarantine.readMessage(t.quarantineId, actor, { ...context, purpose: `return to sender (verification task #${t.id})` });
  }

  private release(t: VerificationTask, c: Completion): string {
    if (!t.quarantineId) {
      this.tasks.setDisposition(t.id, 'none', c.actor, 'nothing held: the message had been delivered with a banner');
      return 'the message had already been delivered (tagged)';
    }
    const qid = t.quarantineId;
    const entry = this.o.quarantine.get(qid);
    if (!entry) return `quarantined message ${qid} no longer exists`;
    if (entry.status !== 'held' && entry.status !== 'released') {
      this.tasks.setDisposition(t.id, 'message-gone', c.actor, `quarantined message was ${entry.status}`);
      return `the held message was ${entry.status}; nothing to release`;
    }
    try {
      const r = this.o.quarantine.release(qid, c.actor, (m) => this.o.enqueue({ ...m, origin: 'release' }), { ...c.context, purpose: `verified (task #${t.id})` });
      this.tasks.setDisposition(t.id, 'released', c.actor, r.alreadyReleased ? 'had already been released' : `released for delivery (${r.delivery})`);
      return r.alreadyReleased ? 'the message had already been released' : `the message is released to ${entry.recipients.join(', ')}`;
    } catch (err) {
      if (err instanceof QuarantineError) {
        this.tasks.setDisposition(t.id, 'message-gone', c.actor, err.message);
        return err.message;
      }
      throw err;
    }
  }

  private returnToSender(t: VerificationTask, outcome: string, original: Buffer | null, actor: string, context?: Record<string, unknown>): string {
    if (!t.quarantineId) return '';
    const entry = this.o.quarantine.get(t.quarantineId);
    if (!entry || entry.status !== 'held') {
      this.tasks.setDisposition(t.id, 'message-gone', actor, `held message was ${entry?.status ?? 'missing'}`);
      return `the held message was ${entry?.status ?? 'missing'}; nothing to return`;
    }
    const why =
      outcome === 'failed'
        ? `the recipient could not be confirmed (${t.partyAddress}); verification failed`
        : outcome === 'unreachable'
          ? `nobody could be reached at a number on record for ${t.partyAddress} to confirm who they are`
          : `the recipient was not verified within ${this.o.config().verify.outbound.returnAfterHours} hours`;
    const org = this.o.config().org.domains;
    const inside = !!t.requester && org.includes(t.requester.split('@').pop()?.toLowerCase() ?? '');
    if (t.requester) {
      const subject = this.tasks.subject(t.id);
      // The original goes back only inside the organisation; anywhere else a notice without it.
      const raw = returnedNotice(this.noticeContext(), { task: t, outcome, subject, why, original: inside ? original : null });
      this.o.enqueue({ raw, mailFrom: '', rcptTo: [t.requester], origin: 'digest' });
    }
    // Returned, so Medshield keeps no copy of the patient data it stopped.
    this.o.quarantine.delete(t.quarantineId, actor, { ...context, purpose: `returned to sender (verification task #${t.id})` });
    this.tasks.setDisposition(t.id, 'returned', actor, t.requester ? `returned to ${t.requester}` : 'no sender to return to; deleted');
    return t.requester ? `the message was returned to ${t.requester}, not sent` : 'the message was not sent';
  }

  /** The campaign's callback numbers (those on record for no one) and the addresses the failed party used. */
  private blockFor(t: VerificationTask, actor: string): string[] {
    const out: string[] = [];
    const related = t.relatedSpoolId ? this.flagged.get(t.relatedSpoolId) : t.kind === 'inbound-request' ? this.flagged.get(t.spoolId) : undefined;
    const numbers = [...t.numbersInMail, ...(related?.numbersInMail ?? [])].filter((n) => !n.owner);
    const campaign = this.campaignOf(t);
    const reason = `verification task #${t.id} failed${t.claimed ? ` (claimed to be ${t.claimed})` : ''}`;
    for (const n of new Map(numbers.map((x) => [x.e164, x])).values()) {
      this.blocklist.block({ kind: 'phone', value: n.e164, taskId: t.id, campaignId: campaign?.id ?? null, reason, actor });
      out.push(formatPhone(n.e164));
    }
    const addresses = new Set([...t.parties, ...(related ? [related.from, ...related.replyTo] : [])].map((a) => a.toLowerCase()).filter(Boolean));
    for (const a of addresses) {
      this.blocklist.block({ kind: 'address', value: a, taskId: t.id, campaignId: campaign?.id ?? null, reason, actor });
      out.push(a);
      this.contacts.revoke(a, actor);
    }
    if (campaign && this.o.incidents?.containCampaign) this.o.incidents.containCampaign(campaign.id, actor, reason);
    return out;
  }

  private campaignOf(t: VerificationTask) {
    const sink = this.o.incidents;
    if (!sink) return null;
    return (
      (t.relatedSpoolId ? sink.campaignOfMessage(t.relatedSpoolId) : null) ??
      sink.campaignOfMessage(t.spoolId) ??
      t.parties.map((p) => sink.campaignOfAddress(p)).find((x) => x) ??
      null
    );
  }

  private openIncident(t: VerificationTask, actor: string): string | null {
    const sink = this.o.incidents;
    if (!sink) return null;
    if (t.incidentId) return t.incidentId;
    const campaign = this.campaignOf(t);
    const ref = sink.openIncident({
      kind: 'verification-failed',
      title: `Verification failed: ${t.claimed || t.partyAddress}`,
      severity: t.kind === 'outbound-phi' ? 'critical' : 'high',
      campaignId: campaign?.id ?? t.campaignId,
      spoolIds: [t.spoolId, ...(t.relatedSpoolId ? [t.relatedSpoolId] : [])],
      actor,
      summary: `Verification task #${t.id}: ${t.partyAddress}${t.claimed ? ` (presenting as ${t.claimed})` : ''} could not be confirmed at a number on record.`,
      dedupeKey: `verify-failed:${campaign?.id ?? t.spoolId}`,
    });
    if (!ref) return null;
    this.tasks.setIncident(t.id, ref.id, ref.campaignId, actor);
    return ref.id;
  }
}
