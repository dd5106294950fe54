import type { AuditLog } from '../../audit/audit-log.ts';
import type { Logger } from '../../gateway/log.ts';
import { migrate, type Db } from '../../store/database.ts';
import { incrementCounter } from '../alerts/counters.ts';
import { RespondError } from '../errors.ts';
import type { MessageLog } from '../messages/message-log.ts';
import { RESPOND_SCHEMA } from '../schema.ts';
import { readSecret } from '../secrets.ts';
import type { RespondSettings } from '../settings.ts';
import { withMailbox, type AdminLogin, type MailboxSession } from './imap-admin.ts';

export type PullbackOutcome = 'removed' | 'not-found' | 'error';
export type PullbackState = 'running' | 'done' | 'failed';

export interface Pullback {
  id: number;
  campaignId: number | null;
  incidentId: number | null;
  actor: string;
  action: 'move' | 'delete';
  state: PullbackState;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export interface PullbackResult {
  mailbox: string;
  spoolId: string;
  outcome: PullbackOutcome;
  /** Copies removed (a user may have had several, e.g. one moved to another folder and one in the inbox). */
  found: number;
  folders: string[];
  detail: string | null;
}

export interface PullbackSummary {
  pullback: Pullback;
  mailboxes: number;
  removed: number;
  notFound: number;
  errors: number;
  results: PullbackResult[];
}

type Opener = <T>(owner: string, fn: (s: MailboxSession) => Promise<T>) => Promise<T>;

/**
 * "Purge campaign": removes delivered copies from users' mailboxes over IMAP and reports,
 * per mailbox and message, what was removed or not found. The delivery log says which
 * mailboxes got which message; each copy is found by the Medshield id in its Received trace
 * (or its Message-ID and sender), in every folder, since users file and move mail. Copies are
 * moved to a quarantine folder (recoverable) or deleted, as configured. Every purge is audited.
 */
export class PullbackRunner {
  private readonly active = new Map<number, Promise<PullbackSummary>>();

  constructor(
    private readonly o: {
      db: Db;
      log: MessageLog;
      audit: AuditLog;
      logger: Logger;
      settings: () => RespondSettings['pullback'];
      /** Tests and other stores substitute their own access; default: the configured IMAP master user. */
      open?: Opener;
      onFinished?: (s: PullbackSummary) => void;
    },
  ) {
    migrate(o.db, RESPOND_SCHEMA);
  }

  /** Whether pull-back can reach mailboxes at all (an IMAP server is configured). */
  available(): boolean {
    return !!this.o.open || !!this.o.settings().imap;
  }

  /**
   * Starts removing every delivered copy of these messages; returns at once with the
   * pull-back's id (`wait` resolves with the summary). Copies already removed are skipped.
   */
  start(r: { spoolIds: string[]; actor: string; campaignId?: number; incidentId?: number; action?: 'move' | 'delete' }): { id: number; done: Promise<PullbackSummary> } {
    const s = this.o.settings();
    if (!this.available()) throw new RespondError('unavailable', 'pull-back needs respond.pullback.imap (the mail store’s IMAP server and a master user) in the configuration');
    const action = r.action ?? s.action;
    const id = Number(
      this.o.db
        .prepare("INSERT INTO respond_pullbacks (campaign_id, incident_id, actor, action, state, started_at) VALUES (?, ?, ?, ?, 'running', ?)")
        .run(r.campaignId ?? null, r.incidentId ?? null, r.actor, action, Date.now()).lastInsertRowid,
    );
    const copies = this.o.log.deliveries(r.spoolIds).filter((d) => d.state === 'delivered' || d.state === 'pending');
    this.o.audit.record({
      actor: r.actor,
      action: 'respond.pullback.start',
      target: `pullback:${id}`,
      detail: { campaignId: r.campaignId ?? null, incidentId: r.incidentId ?? null, pullAction: action, messages: r.spoolIds.length, copies: copies.length },
    });
    const done = this.run(id, action, copies).finally(() => this.active.delete(id));
    this.active.set(id, done);
    return { id, done };
  }

  /** Resolves when every running pull-back has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active.values()]);
  }

  get(id: number): Pullback | null {
    const r = this.o.db.prepare('SELECT * FROM respond_pullbacks WHERE id = ?').get(id) as PullbackRow | undefined;
    return r ? toPullback(r) : null;
  }

  list(o: { campaignId?: number; incidentId?: number } = {}): Pullback[] {
    const rows = (
      o.campaignId !== undefined
        ? this.o.db.prepare('SELECT * FROM respond_pullbacks WHERE campaign_id = ? ORDER BY id DESC').all(o.campaignId)
        : o.incidentId !== undefined
          ? this.o.db.prepare('SELECT * FROM respond_pullbacks WHERE incident_id = ? ORDER BY id DESC').all(o.incidentId)
          : this.o.db.prepare('SELECT * FROM respond_pullbacks ORDER BY id DESC LIMIT 100').all()
    ) as PullbackRow[];
    return rows.map(toPullback);
  }

  summary(id: number): PullbackSummary | null {
    const p = this.get(id);
    if (!p) return null;
    const results = (
      this.o.db.prepare('SELECT * FROM respond_pullback_results WHERE pullback_id = ? ORDER BY mailbox, spool_id').all(id) as {
        mailbox: string;
        spool_id: string;
        outcome: PullbackOutcome;
        found: number;
        folders: string | null;
        detail: string | null;
      }[]
    ).map((r) => ({ mailbox: r.mailbox, spoolId: r.spool_id, outcome: r.outcome, found: r.found, folders: r.folders ? (JSON.parse(r.folders) as string[]) : [], detail: r.detail }));
    return {
      pullback: p,
      mailboxes: new Set(results.map((r) => r.mailbox)).size,
      removed: results.filter((r) => r.outcome === 'removed').length,
      notFound: results.filter((r) => r.outcome === 'not-found').length,
      errors: results.filter((r) => r.outcome === 'error').length,
      results,
    };
  }

  private opener(): Opener {
    if (this.o.open) return this.o.open;
    const s = this.o.settings();
    const imap = s.imap!;
    const login: AdminLogin = {
      server: imap,
      login: (owner) => `${owner}${imap.separator}${imap.masterUser}`,
      password: readSecret(imap.masterPassword, 'respond.pullback.imap.masterPassword'),
    };
    return (owner, fn) => withMailbox(login, owner, fn);
  }

  private async run(id: number, action: 'move' | 'delete', copies: { spoolId: string; recipient: string }[]): Promise<PullbackSummary> {
    const s = this.o.settings();
    const byMailbox = new Map<string, string[]>();
    for (const c of copies) byMailbox.set(c.recipient, [...(byMailbox.get(c.recipient) ?? []), c.spoolId]);
    let fatal: string | null = null;
    try {
      const open = this.opener();
      const queue = [...byMailbox.entries()];
      const workers = Array.from({ length: Math.min(s.imap?.concurrency ?? 4, queue.length) }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await this.mailbox(id, open, next[0], next[1], action, s.folder);
      });
      await Promise.all(workers);
    } catch (err) {
      fatal = (err as Error).message;
    }
    this.o.db
      .prepare('UPDATE respond_pullbacks SET state = ?, finished_at = ?, error = ? WHERE id = ?')
      .run(fatal ? 'failed' : 'done', Date.now(), fatal, id);
    const summary = this.summary(id)!;
    this.o.audit.record({
      actor: summary.pullback.actor,
      action: 'respond.pullback.finish',
      target: `pullback:${id}`,
      detail: { state: summary.pullback.state, mailboxes: summary.mailboxes, removed: summary.removed, notFound: summary.notFound, errors: summary.errors, error: fatal },
    });
    this.o.logger.info('pull-back finished', { pullback: id, state: summary.pullback.state, mailboxes: summary.mailboxes, removed: summary.removed, notFound: summary.notFound, errors: summary.errors });
    try {
      this.o.onFinished?.(summary);
    } catch (err) {
      this.o.logger.error('pull-back follow-up failed', { pullback: id, error: (err as Error).message });
    }
    return summary;
  }

  private async mailbox(id: number, open: Opener, owner: string, spoolIds: string[], action: 'move' | 'delete', folder: string): Promise<void> {
    const record = this.o.db.prepare(
      'INSERT OR REPLACE INTO respond_pullback_results (pullback_id, mailbox, spool_id, outcome, found, folders, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    try {
      await open(owner, async (session) => {
        const folders = await session.folders([folder]);
        for (const spoolId of spoolIds) {
          const sealed = this.o.log.sealed(spoolId);
          const logged = this.o.log.get(spoolId);
          try {
            const copies = await session.locate({ spoolId, messageId: sealed?.messageId ?? '', from: logged?.fromAddress ?? '' }, folders);
            const found = copies.reduce((n, c) => n + c.uids.length, 0);
            if (found === 0) {
              record.run(id, owner, spoolId, 'not-found', 0, '[]', 'no copy in any folder (already deleted by the user?)');
              this.o.log.setDeliveryState(spoolId, owner, 'not-found', `pull-back ${id}: not found`);
              incrementCounter(this.o.db, 'medshield_pullback_messages_total', { outcome: 'not-found' });
              continue;
            }
            const removed = await session.remove(copies, action, folder);
            const where = copies.map((c) => c.folder);
            const detail = `${action === 'move' ? `moved to "${folder}"` : 'deleted'}: ${removed} cop${removed === 1 ? 'y' : 'ies'} (${copies.map((c) => `${c.folder}: ${c.uids.length}, by ${c.matchedBy}`).join('; ')})`;
            record.run(id, owner, spoolId, 'removed', removed, JSON.stringify(where), detail);
            this.o.log.setDeliveryState(spoolId, owner, 'removed', `pull-back ${id}: ${detail}`);
            incrementCounter(this.o.db, 'medshield_pullback_messages_total', { outcome: 'removed' });
          } catch (err) {
            record.run(id, owner, spoolId, 'error', 0, '[]', (err as Error).message);
            incrementCounter(this.o.db, 'medshield_pullback_messages_total', { outcome: 'error' });
          }
        }
      });
    } catch (err) {
      // The mailbox could not be opened at all (no such user, server down): every message of it is an error.
      for (const spoolId of spoolIds) {
        record.run(id, owner, spoolId, 'error', 0, '[]', `cannot open the mailbox: ${(err as Error).message}`);
        incrementCounter(this.o.db, 'medshield_pullback_messages_total', { outcome: 'error' });
      }
    }
  }
}

interface PullbackRow {
  id: number;
  campaign_id: number | null;
  incident_id: number | null;
  actor: string;
  action: 'move' | 'delete';
  state: PullbackState;
  started_at: number;
  finished_at: number | null;
  error: string | null;
}

function toPullback(r: PullbackRow): Pullback {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    incidentId: r.incident_id,
    actor: r.actor,
    action: r.action,
    state: r.state,
    startedAt: new Date(r.started_at),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at),
    error: r.error,
  };
}
