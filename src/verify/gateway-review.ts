import type { SenderProfile } from '../analyzers/analyzer.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { loadBrandPack } from '../brands/load.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { loadDirectoryFile, type Directory } from '../directory/directory.ts';
import type { Verdict } from '../engine/verdict.ts';
import type { ReviewOutcome, VerdictReview } from '../gateway/gateway.ts';
import type { MessageRow } from '../gateway/journal.ts';
import type { Logger } from '../gateway/log.ts';
import type { OutboundMessage } from '../gateway/outbound-queue.ts';
import { SettingError } from '../gateway/runtime-settings.ts';
import type { Cipher } from '../gateway/spool.ts';
import type { QuarantineStore } from '../quarantine/quarantine-store.ts';
import type { Db } from '../store/database.ts';
import type { IncidentSink } from './incident-sink.ts';
import { reviewInbound } from './inbound-review.ts';
import { NumberOfRecordLookup } from './number-of-record.ts';
import { reviewOutbound } from './outbound-review.ts';
import { Parties } from './parties.ts';
import { MessageReader } from './reader.ts';
import type { ReviewContext } from './review-context.ts';
import { VerifyService } from './service.ts';

export interface VerifyReviewOptions {
  db: Db;
  cipher: Cipher;
  config: MedshieldConfig;
  audit: AuditLog;
  quarantine: QuarantineStore;
  profiles: { lookup(address: string): SenderProfile };
  incidents: IncidentSink | null;
  logger: Logger;
  /** How often escalations and returns of held mail run (default a minute). */
  housekeepingMs?: number;
}

const DIRECTORY_REFRESH_MS = 10 * 60_000;

/**
 * Sender verification in the gateway: reviews each verdict (inbound requests for sensitive
 * data, outbound PHI) and runs the protocol's clock (escalations, returning held mail).
 */
export class VerifyReview implements VerdictReview {
  readonly service: VerifyService;
  private readonly reader: MessageReader;
  private gateway: { enqueue(m: OutboundMessage): string; kick(): void } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private directory: { value: Directory | null; loadedAt: number; numbers: NumberOfRecordLookup | null; parties: Parties | null } = { value: null, loadedAt: 0, numbers: null, parties: null };
  private readonly brands;

  constructor(private readonly o: VerifyReviewOptions) {
    const v = o.config.verify;
    const retentionHours = o.config.quarantine.retentionDays * 24;
    if (v.outbound.returnAfterHours >= retentionHours) {
      throw new SettingError(`verify.outbound.returnAfterHours (${v.outbound.returnAfterHours}) must be shorter than the quarantine retention (${retentionHours} hours), or held mail would expire instead of going back to its sender`);
    }
    this.brands = loadBrandPack(o.config.brands.file);
    this.service = new VerifyService({
      db: o.db,
      cipher: o.cipher,
      audit: o.audit,
      quarantine: o.quarantine,
      config: () => o.config,
      incidents: o.incidents,
      enqueue: (m) => {
        if (!this.gateway) throw new Error('the gateway is not running: nothing can be queued');
        return this.gateway.enqueue(m);
      },
      kick: () => this.gateway?.kick(),
      logger: o.logger,
    });
    this.reader = new MessageReader(o.config);
  }

  async review(row: MessageRow, raw: Buffer, verdict: Verdict): Promise<ReviewOutcome | null> {
    if (row.origin === 'inbound') return reviewInbound(this.context(), row, raw, verdict);
    if (row.origin === 'submission') return reviewOutbound(this.context(), row, raw, verdict);
    return null;
  }

  start(gateway: { enqueue(m: OutboundMessage): string; kick(): void }): void {
    this.gateway = gateway;
    const run = () => {
      try {
        const r = this.service.housekeeping();
        if (r.escalated || r.returned) this.o.logger.info('verification housekeeping', r);
      } catch (err) {
        this.o.logger.error('verification housekeeping failed', { error: (err as Error).message });
      }
    };
    this.timer = setInterval(run, this.o.housekeepingMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reader.close();
  }

  private context(): ReviewContext {
    const dir = this.currentDirectory();
    // Indexing the brand pack costs more than a message: once per directory load.
    this.directory.numbers ??= new NumberOfRecordLookup(dir, this.brands);
    this.directory.parties ??= new Parties(this.o.config, dir);
    return {
      config: this.o.config,
      service: this.service,
      reader: this.reader,
      numbers: this.directory.numbers,
      parties: this.directory.parties,
      profile: (a) => {
        try {
          return this.o.profiles.lookup(a);
        } catch {
          return null;
        }
      },
      logger: this.o.logger,
    };
  }

  /** The directory named in the configuration (a file or the store), reread every few minutes for imports. */
  private currentDirectory(): Directory | null {
    const file = this.o.config.directory.file;
    if (!file || Date.now() - this.directory.loadedAt < DIRECTORY_REFRESH_MS) return this.directory.value;
    try {
      this.directory = { value: loadDirectoryFile(file), loadedAt: Date.now(), numbers: null, parties: null };
    } catch (err) {
      this.o.logger.error('verification could not load the provider directory; numbers of record come from the brand pack only', { file, error: (err as Error).message });
      this.directory.loadedAt = Date.now();
    }
    return this.directory.value;
  }
}
