import { randomBytes } from 'node:crypto';
import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signal } from '../analyzers/analyzer.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { NO_AUTH } from '../authenticate/auth-result.ts';
import { MessageCipher } from '../crypto/message-cipher.ts';
import type { Verdict } from '../engine/verdict.ts';
import type { Action } from '../policy/policy.ts';
import { blobStoreFor } from '../store/blob-store.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { QuarantineStore, type NewQuarantined, type QuarantineReason } from './quarantine-store.ts';

/** A verdict as the engine would return it for a caught message. */
export function caughtVerdict(o: { action?: Action; score?: number; from?: string; fromName?: string; subject?: string; messageId?: string; signals?: Signal[] } = {}): Verdict {
  return {
    action: o.action ?? 'quarantine',
    score: o.score ?? 14,
    signals: o.signals ?? [
      { id: 'PHI_SOLICITATION', score: 6, evidence: 'asks for "your SSN and date of birth"', analyzer: 'content-intent' },
      { id: 'BRAND_IN_DISPLAY_NAME', score: 5, evidence: 'display name "Zocdoc" but sent from zocdoc-appts.net', analyzer: 'brand-impersonation' },
    ],
    rules: [],
    unscannable: false,
    auth: NO_AUTH,
    summary: { from: o.from ?? 'noreply@zocdoc-appts.net', fromName: o.fromName ?? 'Zocdoc', subject: o.subject ?? 'Confirm your appointment', messageId: o.messageId ?? '<m1@zocdoc-appts.net>' },
    ms: 12,
    timings: {},
  };
}

let n = 0;

/** A message to quarantine; the body carries a marker tests look for in places it must never appear. */
export function quarantinable(o: { to?: string[]; reason?: QuarantineReason; receivedAt?: Date; subject?: string; from?: string; bodyMarker?: string; spoolId?: string } = {}): NewQuarantined {
  n++;
  const to = o.to ?? ['dr.smith@hospital.example'];
  const subject = o.subject ?? `Confirm your appointment #${n}`;
  const from = o.from ?? 'noreply@zocdoc-appts.net';
  const raw = Buffer.from(
    `From: Zocdoc <${from}>\r\nTo: ${to.join(', ')}\r\nSubject: ${subject}\r\nMessage-ID: <m${n}@zocdoc-appts.net>\r\n\r\n` +
      `Please reply with your SSN. ${o.bodyMarker ?? 'BODY-SECRET-MARKER'}\r\n`,
  );
  return {
    spoolId: o.spoolId ?? `spool-${n}-${randomBytes(4).toString('hex')}`,
    raw,
    envelope: { clientIp: '203.0.113.9', helo: 'mx.zocdoc-appts.net', mailFrom: `bounce@${from.split('@')[1]}`, rcptTo: to },
    verdict: caughtVerdict({ subject, from, messageId: `<m${n}@zocdoc-appts.net>` }),
    reason: o.reason ?? 'quarantine',
    receivedAt: o.receivedAt ?? new Date(),
  };
}

export function tempStore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'medshield-q-'));
  const db = openDatabase(join(dataDir, 'medshield.db'));
  const audit = new AuditLog(db);
  const cipher = new MessageCipher(randomBytes(32));
  const dir = join(dataDir, 'quarantine');
  const store = new QuarantineStore({ db, dir, cipher, audit });
  // The bodies as the store keeps them (files beside SQLite, rows in PostgreSQL), for tests that tamper with them.
  const bodies = blobStoreFor(db, dir, 'quarantine', '.msq');
  return { dataDir, db, audit, cipher, dir, store, bodies, bodyNames: () => bodies.list().map((b) => b.name) };
}

/** Back-dates a stored body, as if a crash had left it there long ago. */
export function backdateBody(s: { db: Db; dir: string }, id: string, when: Date): void {
  if (s.db.dialect === 'postgres') s.db.prepare("UPDATE blobs SET written_at = ? WHERE area = 'quarantine' AND name = ?").run(when.getTime(), id);
  else utimesSync(join(s.dir, `${id}.msq`), when, when);
}
