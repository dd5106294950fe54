import type { ModuleSchema } from '../store/database.ts';

/**
 * The respond module's tables. Anything that quotes a message (subjects, report bodies,
 * analysts' notes) is stored encrypted with the message key; indicator values of ordinary
 * mail are kept only as keyed digests, so the store alone does not reveal which phone
 * numbers or links anyone was sent. Indicator values appear in clear only once they belong
 * to a campaign (they are then threat intelligence, exported as STIX and MISP).
 */
export const RESPOND_SCHEMA: ModuleSchema = {
  module: 'respond',
  migrations: [
    `CREATE TABLE respond_messages (
      spool_id TEXT PRIMARY KEY,
      received_at INTEGER NOT NULL,
      origin TEXT NOT NULL,
      from_address TEXT NOT NULL,
      from_domain TEXT NOT NULL,
      action TEXT NOT NULL,
      outcome TEXT NOT NULL,
      quarantine_id TEXT,
      score REAL NOT NULL,
      signals TEXT NOT NULL,
      minhash TEXT,
      sealed BLOB NOT NULL,
      recipients INTEGER NOT NULL
    );
    CREATE INDEX respond_messages_received ON respond_messages(received_at);
    CREATE TABLE respond_message_indicators (
      spool_id TEXT NOT NULL REFERENCES respond_messages(spool_id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      digest TEXT NOT NULL,
      PRIMARY KEY (kind, digest, spool_id)
    ) WITHOUT ROWID;
    CREATE INDEX respond_message_indicators_spool ON respond_message_indicators(spool_id);
    CREATE TABLE respond_deliveries (
      spool_id TEXT NOT NULL REFERENCES respond_messages(spool_id) ON DELETE CASCADE,
      recipient TEXT NOT NULL,
      state TEXT NOT NULL,
      at INTEGER NOT NULL,
      detail TEXT,
      PRIMARY KEY (spool_id, recipient)
    );
    CREATE INDEX respond_deliveries_recipient ON respond_deliveries(recipient);
    CREATE TABLE respond_message_reports (
      spool_id TEXT NOT NULL REFERENCES respond_messages(spool_id) ON DELETE CASCADE,
      reporter TEXT NOT NULL,
      verified INTEGER NOT NULL,
      report_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (spool_id, reporter)
    );

    CREATE TABLE respond_campaigns (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      status TEXT NOT NULL,
      blocked INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL,
      contained_at INTEGER,
      contained_by TEXT,
      merged_into INTEGER
    );
    CREATE TABLE respond_campaign_messages (
      campaign_id INTEGER NOT NULL REFERENCES respond_campaigns(id),
      spool_id TEXT NOT NULL,
      joined_at INTEGER NOT NULL,
      via TEXT NOT NULL,
      PRIMARY KEY (spool_id)
    );
    CREATE INDEX respond_campaign_messages_campaign ON respond_campaign_messages(campaign_id);
    CREATE TABLE respond_campaign_indicators (
      campaign_id INTEGER NOT NULL REFERENCES respond_campaigns(id),
      kind TEXT NOT NULL,
      value TEXT NOT NULL,
      digest TEXT NOT NULL,
      messages INTEGER NOT NULL,
      specific INTEGER NOT NULL,
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL,
      PRIMARY KEY (campaign_id, kind, value)
    );
    CREATE INDEX respond_campaign_indicators_digest ON respond_campaign_indicators(kind, digest);

    CREATE TABLE respond_reports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      received_at INTEGER NOT NULL,
      channel TEXT NOT NULL,
      source_ref TEXT UNIQUE,
      reporter TEXT NOT NULL,
      verified INTEGER NOT NULL,
      state TEXT NOT NULL,
      sealed BLOB,
      kind TEXT,
      spool_id TEXT,
      campaign_id INTEGER,
      incident_id INTEGER,
      verdict_action TEXT,
      verdict_score REAL,
      simulation TEXT,
      reply_spool_id TEXT,
      error TEXT,
      processed_at INTEGER
    );
    CREATE INDEX respond_reports_state ON respond_reports(state, id);
    CREATE TABLE respond_simulation_credits (
      simulation TEXT NOT NULL,
      reporter TEXT NOT NULL,
      report_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (simulation, reporter)
    );

    CREATE TABLE respond_incidents (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL,
      severity TEXT NOT NULL,
      status TEXT NOT NULL,
      owner TEXT,
      title TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      campaign_id INTEGER UNIQUE,
      dedupe_key TEXT UNIQUE
    );
    CREATE INDEX respond_incidents_status ON respond_incidents(status, updated_at);
    CREATE TABLE respond_incident_messages (
      incident_id INTEGER NOT NULL REFERENCES respond_incidents(id),
      spool_id TEXT NOT NULL,
      added_at INTEGER NOT NULL,
      PRIMARY KEY (incident_id, spool_id)
    );
    CREATE TABLE respond_incident_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      incident_id INTEGER NOT NULL REFERENCES respond_incidents(id),
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      kind TEXT NOT NULL,
      summary TEXT NOT NULL,
      sealed_note BLOB
    );
    CREATE INDEX respond_incident_events_incident ON respond_incident_events(incident_id, id);

    CREATE TABLE respond_pullbacks (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      campaign_id INTEGER,
      incident_id INTEGER,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      state TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      error TEXT
    );
    CREATE TABLE respond_pullback_results (
      pullback_id INTEGER NOT NULL REFERENCES respond_pullbacks(id),
      mailbox TEXT NOT NULL,
      spool_id TEXT NOT NULL,
      outcome TEXT NOT NULL,
      found INTEGER NOT NULL,
      folders TEXT,
      detail TEXT,
      PRIMARY KEY (pullback_id, mailbox, spool_id)
    );

    CREATE TABLE respond_alert_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      target TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      done_at INTEGER
    );
    CREATE INDEX respond_alert_outbox_due ON respond_alert_outbox(state, next_attempt_at);

    CREATE TABLE respond_counters (
      name TEXT NOT NULL,
      labels TEXT NOT NULL,
      value REAL NOT NULL,
      PRIMARY KEY (name, labels)
    );
    CREATE TABLE respond_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO respond_state (key, value) VALUES ('blocklist.version', '0');`,
  ],
};
