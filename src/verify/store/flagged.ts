import { migrate, type Db } from '../../store/database.ts';
import { VERIFY_SCHEMA } from './schema.ts';
import type { NumberInMail, NumberOfRecord } from './tasks.ts';

export interface FlaggedMessage {
  spoolId: string;
  messageId: string;
  from: string;
  replyTo: string[];
  action: string;
  score: number;
  quarantineId: string | null;
  signals: string[];
  /** Whom it presented itself as, and that party's numbers of record. */
  claimed: string;
  numbersOfRecord: NumberOfRecord[];
  /** The numbers it asked the reader to call or gave. */
  numbersInMail: NumberInMail[];
  at: Date;
}

interface Row {
  spool_id: string;
  message_id: string;
  from_address: string;
  reply_to: string;
  action: string;
  score: number;
  quarantine_id: string | null;
  signals: string;
  claimed: string;
  numbers_of_record: string;
  numbers_in_mail: string;
  at: number;
}

/**
 * Inbound mail the gateway tagged, held or quarantined as suspicious: its Message-ID and the
 * addresses a reply would go to. An outbound message answering one of them (In-Reply-To,
 * References) or addressed to one of those addresses is a reply to a phish.
 */
export class FlaggedInbound {
  constructor(private readonly db: Db) {
    migrate(db, VERIFY_SCHEMA);
  }

  record(m: Omit<FlaggedMessage, 'at'> & { at: Date }): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR IGNORE INTO verify_flagged_inbound (spool_id, message_id, from_address, reply_to, action, score, quarantine_id, signals, claimed, numbers_of_record, numbers_in_mail, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.spoolId,
          m.messageId.toLowerCase(),
          m.from.toLowerCase(),
          JSON.stringify(m.replyTo),
          m.action,
          m.score,
          m.quarantineId,
          JSON.stringify(m.signals),
          m.claimed,
          JSON.stringify(m.numbersOfRecord),
          JSON.stringify(m.numbersInMail),
          m.at.getTime(),
        );
      const add = this.db.prepare('INSERT OR IGNORE INTO verify_flagged_addresses (address, spool_id) VALUES (?, ?)');
      for (const a of new Set([m.from, ...m.replyTo].map((x) => x.toLowerCase()).filter(Boolean))) add.run(a, m.spoolId);
    })();
  }

  /** The flagged messages with these Message-IDs, newest first. */
  byMessageIds(ids: string[]): FlaggedMessage[] {
    if (ids.length === 0) return [];
    const list = ids.slice(0, 100).map((i) => i.toLowerCase());
    return (this.db.prepare(`SELECT * FROM verify_flagged_inbound WHERE message_id IN (${list.map(() => '?').join(', ')}) ORDER BY at DESC`).all(...list) as Row[]).map(toFlagged);
  }

  /** Flagged messages from (or with replies going to) this address since `since`, newest first. */
  byAddress(address: string, since: Date): FlaggedMessage[] {
    return (
      this.db
        .prepare('SELECT f.* FROM verify_flagged_addresses a JOIN verify_flagged_inbound f ON f.spool_id = a.spool_id WHERE a.address = ? AND f.at >= ? ORDER BY f.at DESC LIMIT 20')
        .all(address.toLowerCase(), since.getTime()) as Row[]
    ).map(toFlagged);
  }

  get(spoolId: string): FlaggedMessage | undefined {
    const r = this.db.prepare('SELECT * FROM verify_flagged_inbound WHERE spool_id = ?').get(spoolId) as Row | undefined;
    return r && toFlagged(r);
  }

  /** Forgets flags older than `before`. */
  prune(before: Date): number {
    return this.db.prepare('DELETE FROM verify_flagged_inbound WHERE at < ?').run(before.getTime()).changes;
  }
}

function toFlagged(r: Row): FlaggedMessage {
  return {
    spoolId: r.spool_id,
    messageId: r.message_id,
    from: r.from_address,
    replyTo: JSON.parse(r.reply_to) as string[],
    action: r.action,
    score: r.score,
    quarantineId: r.quarantine_id,
    signals: JSON.parse(r.signals) as string[],
    claimed: r.claimed,
    numbersOfRecord: JSON.parse(r.numbers_of_record) as NumberOfRecord[],
    numbersInMail: JSON.parse(r.numbers_in_mail) as NumberInMail[],
    at: new Date(r.at),
  };
}
