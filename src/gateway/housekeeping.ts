import type { GatewayCore } from './gateway.ts';
import type { Logger } from './log.ts';
import { enqueueWith } from './outbound-queue.ts';

/** Periodic work the quarantine module supplies. */
export interface HousekeepingTasks {
  /** Deletes quarantined message bodies past retention; returns how many. */
  purge(now: Date): number;
  digest?: {
    /** Local times of day (HH:MM) digests go out. */
    times: string[];
    from: string;
    /** `since`: when the previous digest went out (null: never). */
    build(now: Date, since: Date | null): Promise<{ recipient: string; raw: Buffer }[]>;
  };
}

const TICK_MS = 60_000;
/** Finished messages stay in the journal this long, for troubleshooting delivery questions. */
const JOURNAL_KEEP_MS = 30 * 24 * 3600_000;
const DIGEST_SLOT_KEY = 'digest.lastSlot';
const DIGEST_AT_KEY = 'digest.lastAt';

/**
 * Runs in the gateway process: the quarantine retention purge (and the sweep of spool files
 * left without a journal row) every `purgeIntervalMs`, and at each configured time of day
 * the quarantine digests, queued for delivery like any message. The last slot sent is
 * journalled in the same transaction as the digests, so a restart neither skips nor repeats one.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | null = null;
  private lastPurge = 0;
  private digesting = false;

  constructor(
    private readonly o: { core: GatewayCore; purgeIntervalMs: number; tasks?: HousekeepingTasks; logger: Logger; now?: () => Date },
  ) {}

  start(): void {
    const tick = () => {
      try {
        this.tick();
      } catch (err) {
        this.o.logger.error('housekeeping failed', { error: (err as Error).message });
      }
    };
    this.timer = setInterval(tick, Math.min(TICK_MS, this.o.purgeIntervalMs));
    this.timer.unref();
    setImmediate(tick);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(): void {
    const now = this.o.now?.() ?? new Date();
    if (now.getTime() - this.lastPurge >= this.o.purgeIntervalMs) {
      this.lastPurge = now.getTime();
      const purged = this.o.tasks?.purge(now) ?? 0;
      const orphans = this.o.core.sweepOrphans();
      const pruned = this.o.core.journal.pruneFinished(now.getTime() - JOURNAL_KEEP_MS);
      if (purged || orphans || pruned) this.o.logger.info('housekeeping', { quarantinePurged: purged, spoolOrphansRemoved: orphans, journalRowsPruned: pruned });
    }
    const digest = this.o.tasks?.digest;
    if (digest) {
      const slot = currentSlot(now, digest.times);
      const last = this.o.core.journal.getState(DIGEST_SLOT_KEY);
      if (slot && slot !== last && !this.digesting) {
        this.digesting = true;
        this.sendDigests(now, slot, digest)
          .catch((err: Error) => this.o.logger.error('quarantine digests failed', { error: err.message }))
          .finally(() => (this.digesting = false));
      }
    }
  }

  private async sendDigests(now: Date, slot: string, digest: NonNullable<HousekeepingTasks['digest']>): Promise<void> {
    const { journal, spool } = this.o.core;
    const lastAt = journal.getState(DIGEST_AT_KEY);
    const digests = await digest.build(now, lastAt ? new Date(lastAt) : null);
    journal.db.transaction(() => {
      for (const d of digests) enqueueWith(journal, spool, { raw: d.raw, mailFrom: digest.from, rcptTo: [d.recipient], origin: 'digest' });
      journal.setState(DIGEST_SLOT_KEY, slot);
      journal.setState(DIGEST_AT_KEY, now.toISOString());
    })();
    if (digests.length) {
      this.o.logger.info('quarantine digests queued', { count: digests.length, slot });
      this.o.core.deliveries.kick();
    }
  }
}

/** The latest of today's digest times that has passed, as 'YYYY-MM-DD HH:MM' local; null before the first. */
export function currentSlot(now: Date, times: string[]): string | null {
  const minutes = now.getHours() * 60 + now.getMinutes();
  const passed = times
    .map((t) => t.split(':').map(Number) as [number, number])
    .filter(([h, m]) => h * 60 + m <= minutes)
    .sort((a, b) => a[0] * 60 + a[1] - (b[0] * 60 + b[1]))
    .pop();
  if (!passed) return null;
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `${day} ${String(passed[0]).padStart(2, '0')}:${String(passed[1]).padStart(2, '0')}`;
}
