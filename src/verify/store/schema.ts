import type { ModuleSchema } from '../../store/database.ts';

/**
 * Sender verification's tables. Subjects and verifiers' attestations may quote patients,
 * so they are sealed with the message key; addresses, phone numbers and the kinds of data
 * asked for are kept in clear (they are what the security team searches and blocks on).
 */
export const VERIFY_SCHEMA: ModuleSchema = {
  module: 'verify',
  migrations: [
    `CREATE TABLE verify_tasks (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL CHECK (kind IN ('inbound-request', 'outbound-phi')),
      status TEXT NOT NULL CHECK (status IN ('open', 'verified', 'failed', 'unreachable', 'cancelled')),
      spool_id TEXT NOT NULL UNIQUE,
      quarantine_id TEXT,
      message_action TEXT NOT NULL,
      party_address TEXT NOT NULL,
      party_domain TEXT NOT NULL,
      parties TEXT NOT NULL,
      claimed TEXT NOT NULL,
      asked TEXT NOT NULL,
      reasons TEXT NOT NULL,
      numbers_of_record TEXT NOT NULL,
      numbers_in_mail TEXT NOT NULL,
      requester TEXT NOT NULL,
      recipients TEXT NOT NULL,
      related_spool_id TEXT,
      campaign_id TEXT,
      incident_id TEXT,
      sealed BLOB NOT NULL,
      owner TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      escalation_level INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      completed_at INTEGER,
      completed_by TEXT,
      phone_used TEXT,
      attestation BLOB,
      disposition TEXT
    );
    CREATE INDEX verify_tasks_status ON verify_tasks(status, due_at);
    CREATE INDEX verify_tasks_party ON verify_tasks(party_address);
    CREATE TABLE verify_task_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      task_id INTEGER NOT NULL REFERENCES verify_tasks(id),
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      kind TEXT NOT NULL,
      summary TEXT NOT NULL
    );
    CREATE INDEX verify_task_events_task ON verify_task_events(task_id, id);
    CREATE TABLE verify_contacts (
      address TEXT PRIMARY KEY,
      domain TEXT NOT NULL,
      verified_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      verified_by TEXT NOT NULL,
      task_id INTEGER,
      phone TEXT,
      revoked_at INTEGER,
      revoked_by TEXT
    );
    CREATE TABLE verify_blocked (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL CHECK (kind IN ('phone', 'address')),
      value TEXT NOT NULL,
      task_id INTEGER,
      campaign_id TEXT,
      reason TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      lifted_at INTEGER,
      lifted_by TEXT
    );
    CREATE UNIQUE INDEX verify_blocked_active ON verify_blocked(kind, value) WHERE lifted_at IS NULL;
    CREATE TABLE verify_flagged_inbound (
      spool_id TEXT PRIMARY KEY,
      message_id TEXT NOT NULL,
      from_address TEXT NOT NULL,
      reply_to TEXT NOT NULL,
      action TEXT NOT NULL,
      score REAL NOT NULL,
      quarantine_id TEXT,
      signals TEXT NOT NULL,
      claimed TEXT NOT NULL,
      numbers_of_record TEXT NOT NULL,
      numbers_in_mail TEXT NOT NULL,
      at INTEGER NOT NULL
    );
    CREATE INDEX verify_flagged_inbound_message ON verify_flagged_inbound(message_id);
    CREATE INDEX verify_flagged_inbound_at ON verify_flagged_inbound(at);
    CREATE TABLE verify_flagged_addresses (
      address TEXT NOT NULL,
      spool_id TEXT NOT NULL REFERENCES verify_flagged_inbound(spool_id) ON DELETE CASCADE,
      PRIMARY KEY (address, spool_id)
    ) WITHOUT ROWID;`,
  ],
};
