import { migrate, type Db } from '../../store/database.ts';
import { VERIFY_SCHEMA } from './schema.ts';

export type BlockKind = 'phone' | 'address';

export interface BlockEntry {
  id: number;
  kind: BlockKind;
  /** E.164 for phones, a lower-case address for addresses. */
  value: string;
  taskId: number | null;
  campaignId: string | null;
  reason: string;
  createdAt: Date;
  createdBy: string;
  liftedAt: Date | null;
  liftedBy: string | null;
}

interface Row {
  id: number;
  kind: BlockKind;
  value: string;
  task_id: number | null;
  campaign_id: string | null;
  reason: string;
  created_at: number;
  created_by: string;
  lifted_at: number | null;
  lifted_by: string | null;
}

/**
 * Callback numbers and sender addresses proven false by a failed verification. Inbound mail
 * giving a blocked number, or from a blocked address, is quarantined; outbound mail to a
 * blocked address is held. Lifting keeps the row (who blocked what, and when, stays known).
 */
export class Blocklist {
  private cache: { version: number; phones: Map<string, BlockEntry>; addresses: Map<string, BlockEntry> } | null = null;
  private version = 0;

  constructor(private readonly db: Db) {
    migrate(db, VERIFY_SCHEMA);
  }

  /** Blocks a value; blocking an already blocked value returns the existing entry. */
  block(e: { kind: BlockKind; value: string; taskId: number | null; campaignId: string | null; reason: string; actor: string }): BlockEntry {
    const value = normalize(e.kind, e.value);
    this.db
      .prepare('INSERT OR IGNORE INTO verify_blocked (kind, value, task_id, campaign_id, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.kind, value, e.taskId, e.campaignId, e.reason, Date.now(), e.actor);
    this.version++;
    return this.active(e.kind, value)!;
  }

  active(kind: BlockKind, value: string): BlockEntry | undefined {
    const r = this.db.prepare('SELECT * FROM verify_blocked WHERE kind = ? AND value = ? AND lifted_at IS NULL').get(kind, normalize(kind, value)) as Row | undefined;
    return r && toEntry(r);
  }

  lift(id: number, actor: string): boolean {
    const changed = this.db.prepare('UPDATE verify_blocked SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL').run(Date.now(), actor, id).changes > 0;
    this.version++;
    return changed;
  }

  list(o: { includeLifted?: boolean; limit?: number } = {}): BlockEntry[] {
    const sql = `SELECT * FROM verify_blocked ${o.includeLifted ? '' : 'WHERE lifted_at IS NULL'} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(o.limit ?? 1000) as Row[]).map(toEntry);
  }

  /**
   * Active entries by kind, for the per-message check. Reread when this process changed the
   * list, and at most every few seconds otherwise (the console or CLI may change it).
   */
  snapshot(): { phones: Map<string, BlockEntry>; addresses: Map<string, BlockEntry> } {
    const stamp = this.version * 1e13 + Math.floor(Date.now() / 5000);
    if (this.cache && this.cache.version === stamp) return this.cache;
    const phones = new Map<string, BlockEntry>();
    const addresses = new Map<string, BlockEntry>();
    for (const e of this.list({ limit: 100_000 })) (e.kind === 'phone' ? phones : addresses).set(e.value, e);
    this.cache = { version: stamp, phones, addresses };
    return this.cache;
  }
}

function normalize(kind: BlockKind, value: string): string {
  const v = value.trim().toLowerCase();
  if (kind === 'phone' && !/^\+[1-9]\d{6,14}$/.test(v)) throw new Error(`not an E.164 phone number: '${value}'`);
  if (kind === 'address' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) throw new Error(`not an e-mail address: '${value}'`);
  return v;
}

function toEntry(r: Row): BlockEntry {
  return {
    id: r.id,
    kind: r.kind,
    value: r.value,
    taskId: r.task_id,
    campaignId: r.campaign_id,
    reason: r.reason,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    liftedAt: r.lifted_at === null ? null : new Date(r.lifted_at),
    liftedBy: r.lifted_by,
  };
}
