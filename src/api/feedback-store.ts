import type { MessageCipher } from '../crypto/message-cipher.ts';
import type { SenderProfileStore } from '../profiles/sender-profiles.ts';
import { migrate, type Db } from '../store/database.ts';
import { CONSOLE_SCHEMA } from './console-schema.ts';

export type FeedbackKind = 'phish' | 'not-phish';
export type SampleLabel = 'phish' | 'ham';

export interface Feedback {
  spoolId: string;
  quarantineId: string | null;
  kind: FeedbackKind;
  fromAddress: string;
  actor: string;
  at: Date;
  note: string;
}

export interface TrainingSample {
  spoolId: string;
  label: SampleLabel;
  raw: Buffer;
  labelledAt: Date;
  labelledBy: string;
}

/**
 * Analysts' verdict overrides: "confirm phish" and "mark false positive". Each is kept
 * here (the dashboard leaves false positives out of its exposure figures) and fed back to
 * learning two ways: to the sender profiles, which the analyzers read on the sender's next
 * message, and — when Medshield holds the message (held or quarantined) — as a labelled
 * training sample, encrypted like the quarantine, that `medshield feedback export` writes
 * into the ham/phish folders `medshield train` learns from. Delivered mail leaves no
 * sample: its content is not kept.
 */
export class FeedbackStore {
  constructor(
    private readonly db: Db,
    private readonly profiles: SenderProfileStore,
    private readonly cipher: MessageCipher,
  ) {
    migrate(db, CONSOLE_SCHEMA);
  }

  /**
   * Records the feedback, the sender report and the training sample in one transaction (the
   * caller audits in it too). `content` reads the message when Medshield still holds it
   * (an audited read by the caller); null when it does not. Returns whether a training
   * sample is on record for the message.
   */
  record(f: Omit<Feedback, 'at'>, content: (() => Buffer) | null, at = new Date()): { feedback: Feedback; sampleKept: boolean } {
    this.db
      .prepare('INSERT INTO console_feedback (spool_id, quarantine_id, kind, from_address, actor, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(f.spoolId, f.quarantineId, f.kind, f.fromAddress, f.actor, at.getTime(), f.note);
    if (f.fromAddress) this.profiles.recordReport(f.fromAddress, f.kind, at);
    const label: SampleLabel = f.kind === 'phish' ? 'phish' : 'ham';
    let sampleKept = false;
    const existing = this.db.prepare('SELECT 1 FROM console_training_samples WHERE spool_id = ?').get(f.spoolId);
    if (existing) {
      this.db.prepare('UPDATE console_training_samples SET label = ?, labelled_at = ?, labelled_by = ? WHERE spool_id = ?').run(label, at.getTime(), f.actor, f.spoolId);
      sampleKept = true;
    } else if (content) {
      const raw = content();
      this.db
        .prepare('INSERT INTO console_training_samples (spool_id, label, raw, labelled_at, labelled_by) VALUES (?, ?, ?, ?, ?)')
        .run(f.spoolId, label, this.cipher.encrypt(raw), at.getTime(), f.actor);
      sampleKept = true;
    }
    return { feedback: { ...f, at }, sampleKept };
  }

  list(spoolId: string): Feedback[] {
    return (
      this.db.prepare('SELECT * FROM console_feedback WHERE spool_id = ? ORDER BY id').all(spoolId) as {
        spool_id: string;
        quarantine_id: string | null;
        kind: FeedbackKind;
        from_address: string;
        actor: string;
        at: number;
        note: string;
      }[]
    ).map((r) => ({ spoolId: r.spool_id, quarantineId: r.quarantine_id, kind: r.kind, fromAddress: r.from_address, actor: r.actor, at: new Date(r.at), note: r.note }));
  }

  /** The latest feedback kind per message. */
  latest(spoolIds: string[]): Map<string, FeedbackKind> {
    const out = new Map<string, FeedbackKind>();
    if (spoolIds.length === 0) return out;
    const rows = this.db
      .prepare(`SELECT spool_id, kind FROM console_feedback WHERE spool_id IN (${spoolIds.map(() => '?').join(',')}) ORDER BY id`)
      .all(...spoolIds) as { spool_id: string; kind: FeedbackKind }[];
    for (const r of rows) out.set(r.spool_id, r.kind);
    return out;
  }

  /** Labelled samples, oldest first (decrypted: the caller audits what it does with them). */
  *samples(since?: Date): Generator<TrainingSample> {
    const rows = this.db.prepare('SELECT * FROM console_training_samples WHERE labelled_at >= ? ORDER BY labelled_at, spool_id').iterate(since?.getTime() ?? 0) as IterableIterator<{
      spool_id: string;
      label: SampleLabel;
      raw: Buffer;
      labelled_at: number;
      labelled_by: string;
    }>;
    for (const r of rows) yield { spoolId: r.spool_id, label: r.label, raw: this.cipher.decrypt(r.raw), labelledAt: new Date(r.labelled_at), labelledBy: r.labelled_by };
  }

  sampleCounts(): { phish: number; ham: number } {
    const out = { phish: 0, ham: 0 };
    for (const r of this.db.prepare('SELECT label, COUNT(*) AS n FROM console_training_samples GROUP BY label').all() as { label: SampleLabel; n: number }[]) out[r.label] = r.n;
    return out;
  }

  /** Drops samples labelled more than `days` ago. */
  pruneSamples(now: number, days: number): number {
    return this.db.prepare('DELETE FROM console_training_samples WHERE labelled_at < ?').run(now - days * 86_400_000).changes;
  }
}
