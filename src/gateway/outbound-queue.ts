import { loadOrCreateKey, MessageCipher } from '../crypto/message-cipher.ts';
import type { Db } from '../store/database.ts';
import { Journal, type Origin } from './journal.ts';
import { newSpoolId, Spool } from './spool.ts';

export interface OutboundMessage {
  raw: Buffer;
  mailFrom: string;
  rcptTo: string[];
  /** Who queued it and why, e.g. 'release' (quarantine release), 'dsn', 'digest'. */
  origin: string;
}

const ORIGINS: readonly Origin[] = ['release', 'dsn', 'digest', 'inbound', 'submission'];

/**
 * Queues a message for delivery without scanning it (a release from quarantine, a digest,
 * a bounce). Durable when it returns: spooled and journalled like an accepted message, then
 * delivered by the running gateway's delivery loop, or by the next `medshield serve` start.
 * Returns the spool id.
 */
export function enqueueDelivery(db: Db, dataDir: string, m: OutboundMessage): string {
  if (m.rcptTo.length === 0) throw new Error('enqueueDelivery: no recipients');
  const cipher = new MessageCipher(loadOrCreateKey(dataDir, process.env));
  return enqueueWith(new Journal(db, cipher), new Spool(dataDir, cipher, db), m);
}

/** The same, with the gateway's own journal and spool (no key reload). */
export function enqueueWith(journal: Journal, spool: Spool, m: OutboundMessage): string {
  const origin = (ORIGINS as readonly string[]).includes(m.origin) ? (m.origin as Origin) : 'release';
  const spoolId = newSpoolId();
  spool.write(spoolId, m.raw);
  journal.accept(
    {
      spoolId,
      origin,
      receivedAt: new Date(),
      mailFrom: m.mailFrom,
      rcptTo: [...new Set(m.rcptTo.map((r) => r.toLowerCase()))],
      size: m.raw.length,
    },
    { verdict: null, action: origin },
  );
  return spoolId;
}
