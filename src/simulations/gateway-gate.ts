import { NO_AUTH } from '../authenticate/auth-result.ts';
import type { Verdict } from '../engine/verdict.ts';
import type { MessageRow } from '../gateway/journal.ts';
import type { Logger } from '../gateway/log.ts';
import type { ReceivedMessage } from '../gateway/smtp-listener.ts';
import type { Db } from '../store/database.ts';
import { checkBypassHeader } from './bypass-header.ts';
import type { CampaignStore, Target } from './campaign-store.ts';
import type { EventStore } from './event-store.ts';

export const BYPASS_SIGNAL = 'SIMULATION_BYPASS';

export interface GateDeps {
  db: Db;
  secret: Buffer;
  campaigns: CampaignStore;
  events: EventStore;
  maxAgeSeconds: () => number;
  /** The simulations' sender domain: mail to it is a reply to a simulation. */
  senderDomain: () => string;
  now: () => number;
  logger: Logger;
  /** A person replied to a simulation. */
  onReply?: (target: Target) => void;
}

/**
 * Medshield's own simulations at the gateway. `bypass` lets a message through unscanned
 * only when its signed header is genuine, bound to this message and these recipients,
 * fresh, names a simulation recipient, and was never used before; anything else (forged,
 * altered, moved, expired, replayed) is refused and the message is scanned like any other.
 * `takeReplies` catches staff's replies to the simulations' sender domain: they are
 * recorded as "replied" and never delivered (a reply may carry patient data, and the
 * domain may exist outside).
 */
export class SimulationGate {
  constructor(private readonly d: GateDeps) {}

  bypass(raw: Buffer, row: Pick<MessageRow, 'spoolId' | 'rcptTo' | 'origin'>): Verdict | null {
    const now = this.d.now();
    const check = checkBypassHeader(this.d.secret, { raw, rcptTo: row.rcptTo, now, maxAgeSeconds: this.d.maxAgeSeconds() });
    if (!check.ok) {
      if (check.reason !== 'absent') this.refuse(row, check.reason, now);
      return null;
    }
    const target = this.d.campaigns.target(check.targetId);
    if (!target || !row.rcptTo.map((r) => r.toLowerCase()).includes(target.email)) {
      this.refuse(row, 'unknown-target', now);
      return null;
    }
    // A nonce is honoured once, for one message; the same message recovered after a restart keeps it.
    const used = this.d.db.transaction(() => {
      const inserted = this.d.db.prepare('INSERT OR IGNORE INTO simulations_bypass_nonces (nonce, spool_id, used_at) VALUES (?, ?, ?)').run(check.nonce, row.spoolId, now).changes > 0;
      if (inserted) return false;
      return (this.d.db.prepare('SELECT spool_id FROM simulations_bypass_nonces WHERE nonce = ?').pluck().get(check.nonce) as string) !== row.spoolId;
    })();
    if (used) {
      this.refuse(row, 'replayed', now);
      return null;
    }
    const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const field = (n: string) => new RegExp(`^${n}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
    const from = field('From');
    return {
      action: 'deliver',
      score: 0,
      signals: [{ id: BYPASS_SIGNAL, score: 0, evidence: `phishing simulation for ${target.email} (campaign ${target.campaignId}); signed header verified`, analyzer: 'simulations' }],
      rules: ['phishing simulation: signed bypass header'],
      unscannable: false,
      auth: NO_AUTH,
      summary: { from: (/<([^>]+)>/.exec(from)?.[1] ?? from).toLowerCase(), fromName: from.replace(/<[^>]*>/, '').replace(/"/g, '').trim(), subject: field('Subject'), messageId: field('Message-ID').replace(/^<|>$/g, '') },
      ms: 0,
      timings: {},
    };
  }

  takeReplies(m: ReceivedMessage, at: Date): { remaining: string[]; replies: number } | null {
    const domain = this.d.senderDomain().toLowerCase();
    const isReply = (r: string) => {
      const d = r.toLowerCase().split('@').pop() ?? '';
      return d === domain || d.endsWith(`.${domain}`);
    };
    const to = m.rcptTo.filter(isReply);
    if (to.length === 0) return null;
    const head = m.raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const field = (n: string) => new RegExp(`^${n}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
    const ids = `${field('In-Reply-To')} ${field('References')}`.match(/<[^<>\s]+>/g) ?? [];
    let target: Target | undefined;
    for (const id of ids.reverse()) if ((target = this.d.campaigns.byMessageId(id))) break;
    target ??= this.d.campaigns.latestSentTo(m.mailFrom);
    const automatic = /^auto-/i.test(field('Auto-Submitted')) || !!field('X-Autoreply') || /^(automatic reply|out of (the )?office|auto:)/i.test(field('Subject'));
    if (target && !automatic && this.d.events.addEvent(target.id, 'replied', at.getTime(), { listener: m.listener, bytes: m.raw.length })) this.d.onReply?.(target);
    this.d.logger.info('reply to a phishing simulation kept from delivery', { listener: m.listener, target: target?.id ?? null, automatic, recipients: to.length });
    return { remaining: m.rcptTo.filter((r) => !isReply(r)), replies: to.length };
  }

  /** Messages let through on a genuine header (by spool id), oldest first; kept as long as their nonces. */
  granted(): { spoolId: string; at: number }[] {
    return (this.d.db.prepare('SELECT spool_id AS spoolId, used_at AS at FROM simulations_bypass_nonces ORDER BY used_at, spool_id').all() as { spoolId: string; at: number }[]);
  }

  refusals(): Record<string, number> {
    const rows = this.d.db.prepare('SELECT reason, COUNT(*) AS n FROM simulations_bypass_refusals GROUP BY reason').all() as { reason: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
  }

  /** Nonces older than twice the header lifetime can go: such headers are refused as expired anyway. */
  purgeNonces(): number {
    return this.d.db.prepare('DELETE FROM simulations_bypass_nonces WHERE used_at < ?').run(this.d.now() - 2 * this.d.maxAgeSeconds() * 1000).changes;
  }

  private refuse(row: Pick<MessageRow, 'spoolId' | 'origin'>, reason: string, at: number): void {
    this.d.db.prepare('INSERT INTO simulations_bypass_refusals (at, spool_id, origin, reason) VALUES (?, ?, ?, ?)').run(at, row.spoolId, row.origin, reason);
    this.d.logger.warn('simulation bypass header refused; scanning the message as usual', { spoolId: row.spoolId, origin: row.origin, reason });
  }
}
