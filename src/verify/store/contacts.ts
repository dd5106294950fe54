import { migrate, type Db } from '../../store/database.ts';
import { VERIFY_SCHEMA } from './schema.ts';

export interface VerifiedContact {
  address: string;
  domain: string;
  verifiedAt: Date;
  expiresAt: Date;
  verifiedBy: string;
  taskId: number | null;
  /** The number of record the verifier called. */
  phone: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

interface Row {
  address: string;
  domain: string;
  verified_at: number;
  expires_at: number;
  verified_by: string;
  task_id: number | null;
  phone: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

/**
 * Addresses verified by a call to a number of record. A verification lasts a configured
 * number of days; verifying again renews it, and a revocation ends it at once.
 */
export class ContactStore {
  constructor(private readonly db: Db) {
    migrate(db, VERIFY_SCHEMA);
  }

  add(c: { address: string; days: number; verifiedBy: string; taskId: number | null; phone: string | null; at?: Date }): VerifiedContact {
    const address = c.address.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) throw new Error(`not an e-mail address: '${c.address}'`);
    const at = (c.at ?? new Date()).getTime();
    this.db
      .prepare(
        `INSERT INTO verify_contacts (address, domain, verified_at, expires_at, verified_by, task_id, phone) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(address) DO UPDATE SET verified_at = excluded.verified_at, expires_at = excluded.expires_at, verified_by = excluded.verified_by,
           task_id = excluded.task_id, phone = excluded.phone, revoked_at = NULL, revoked_by = NULL`,
      )
      .run(address, address.split('@')[1]!, at, at + c.days * 86_400_000, c.verifiedBy, c.taskId, c.phone);
    return this.get(address)!;
  }

  get(address: string): VerifiedContact | undefined {
    const r = this.db.prepare('SELECT * FROM verify_contacts WHERE address = ?').get(address.trim().toLowerCase()) as Row | undefined;
    return r && toContact(r);
  }

  /** Verified now: not expired, not revoked. */
  isVerified(address: string, now = new Date()): boolean {
    const c = this.get(address);
    return !!c && !c.revokedAt && c.expiresAt.getTime() > now.getTime();
  }

  list(o: { includeInactive?: boolean; now?: Date; limit?: number } = {}): VerifiedContact[] {
    const now = (o.now ?? new Date()).getTime();
    const rows = o.includeInactive
      ? this.db.prepare('SELECT * FROM verify_contacts ORDER BY address LIMIT ?').all(o.limit ?? 1000)
      : this.db.prepare('SELECT * FROM verify_contacts WHERE revoked_at IS NULL AND expires_at > ? ORDER BY address LIMIT ?').all(now, o.limit ?? 1000);
    return (rows as Row[]).map(toContact);
  }

  revoke(address: string, actor: string): boolean {
    return this.db.prepare('UPDATE verify_contacts SET revoked_at = ?, revoked_by = ? WHERE address = ? AND revoked_at IS NULL').run(Date.now(), actor, address.trim().toLowerCase()).changes > 0;
  }
}

function toContact(r: Row): VerifiedContact {
  return {
    address: r.address,
    domain: r.domain,
    verifiedAt: new Date(r.verified_at),
    expiresAt: new Date(r.expires_at),
    verifiedBy: r.verified_by,
    taskId: r.task_id,
    phone: r.phone,
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
    revokedBy: r.revoked_by,
  };
}
