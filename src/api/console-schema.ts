import type { ModuleSchema } from '../store/database.ts';

/**
 * The console's own tables: one record per scanned message (the gateway's journal is a work
 * list pruned after 30 days; the console keeps verdict history for its dashboard and search),
 * analysts' feedback with the labelled messages it yields for retraining (encrypted like
 * the quarantine), and settings changed from the console.
 *
 * `sealed` holds what quotes message content (subject, display name, the full verdict with
 * its evidence), encrypted with the message key like the quarantine; the other columns are
 * envelope metadata a viewer may see.
 */
export const CONSOLE_SCHEMA: ModuleSchema = {
  module: 'console',
  migrations: [
    `CREATE TABLE console_messages (
      spool_id TEXT PRIMARY KEY,
      received_at INTEGER NOT NULL,
      origin TEXT NOT NULL,
      client_ip TEXT,
      mail_from TEXT NOT NULL,
      from_address TEXT NOT NULL,
      from_domain TEXT NOT NULL,
      recipients TEXT NOT NULL,
      recipient_count INTEGER NOT NULL,
      action TEXT NOT NULL,
      disposition TEXT NOT NULL CHECK (disposition IN ('delivered', 'quarantined', 'rejected')),
      score REAL NOT NULL,
      unscannable INTEGER NOT NULL,
      quarantine_id TEXT,
      size INTEGER NOT NULL,
      sealed BLOB
    );
    CREATE INDEX console_messages_received ON console_messages(received_at);
    CREATE INDEX console_messages_quarantine ON console_messages(quarantine_id);
    CREATE INDEX console_messages_from ON console_messages(from_address);
    CREATE TABLE console_message_recipients (
      spool_id TEXT NOT NULL REFERENCES console_messages(spool_id) ON DELETE CASCADE,
      recipient TEXT NOT NULL,
      PRIMARY KEY (spool_id, recipient)
    );
    CREATE INDEX console_message_recipients_recipient ON console_message_recipients(recipient);
    CREATE TABLE console_message_signals (
      spool_id TEXT NOT NULL REFERENCES console_messages(spool_id) ON DELETE CASCADE,
      signal TEXT NOT NULL,
      score REAL NOT NULL,
      PRIMARY KEY (spool_id, signal)
    );
    CREATE INDEX console_message_signals_signal ON console_message_signals(signal);
    CREATE TABLE console_feedback (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      spool_id TEXT NOT NULL,
      quarantine_id TEXT,
      kind TEXT NOT NULL CHECK (kind IN ('phish', 'not-phish')),
      from_address TEXT NOT NULL,
      actor TEXT NOT NULL,
      at INTEGER NOT NULL,
      note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX console_feedback_spool ON console_feedback(spool_id, id);
    CREATE TABLE console_training_samples (
      spool_id TEXT PRIMARY KEY,
      label TEXT NOT NULL CHECK (label IN ('phish', 'ham')),
      raw BLOB NOT NULL,
      labelled_at INTEGER NOT NULL,
      labelled_by TEXT NOT NULL
    );
    CREATE TABLE console_settings (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      overrides TEXT NOT NULL
    );`,
  ],
};
