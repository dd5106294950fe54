import type { ModuleSchema } from '../store/database.ts';

/**
 * The simulations module's tables. Hits are every request to a tracking or landing URL with
 * how it was classified (person, scanner, unconfirmed) and why; events are the outcomes that
 * count, one row per recipient and kind, written only for what a person did. Form fields are
 * recorded by name only: what was typed into them is never stored.
 */
export const SIMULATIONS_SCHEMA: ModuleSchema = {
  module: 'simulations',
  migrations: [
    `CREATE TABLE simulations_templates (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      slug TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      tactic TEXT NOT NULL,
      definition TEXT NOT NULL,
      source TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      archived INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE simulations_campaigns (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      template_id INTEGER NOT NULL REFERENCES simulations_templates(id),
      template_snapshot TEXT,
      audience TEXT NOT NULL,
      send_window TEXT NOT NULL,
      per_minute INTEGER NOT NULL,
      status TEXT NOT NULL,
      starts_at INTEGER NOT NULL,
      launched_at INTEGER,
      all_sent_at INTEGER,
      closes_at INTEGER,
      finished_at INTEGER,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE simulations_targets (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      campaign_id INTEGER NOT NULL REFERENCES simulations_campaigns(id),
      email TEXT NOT NULL,
      name TEXT NOT NULL,
      department TEXT NOT NULL,
      role TEXT NOT NULL,
      site TEXT NOT NULL,
      position INTEGER NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      message_id TEXT,
      spool_id TEXT,
      sent_at INTEGER,
      delivered_at INTEGER,
      error TEXT,
      UNIQUE (campaign_id, email)
    );
    CREATE INDEX simulations_targets_due ON simulations_targets(campaign_id, state, position);
    CREATE INDEX simulations_targets_message ON simulations_targets(message_id);
    CREATE INDEX simulations_targets_email ON simulations_targets(email);
    CREATE TABLE simulations_hits (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      target_id INTEGER NOT NULL REFERENCES simulations_targets(id),
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      link INTEGER NOT NULL DEFAULT 0,
      method TEXT NOT NULL,
      user_agent TEXT NOT NULL,
      ip TEXT NOT NULL,
      since_delivery_ms INTEGER,
      verdict TEXT NOT NULL,
      reasons TEXT NOT NULL,
      fields TEXT
    );
    CREATE INDEX simulations_hits_target ON simulations_hits(target_id, at);
    CREATE INDEX simulations_hits_ip ON simulations_hits(ip, at);
    CREATE TABLE simulations_events (
      target_id INTEGER NOT NULL REFERENCES simulations_targets(id),
      kind TEXT NOT NULL,
      at INTEGER NOT NULL,
      detail TEXT,
      PRIMARY KEY (target_id, kind)
    );
    CREATE INDEX simulations_events_kind ON simulations_events(kind, at);
    CREATE TABLE simulations_bypass_nonces (
      nonce TEXT PRIMARY KEY,
      spool_id TEXT NOT NULL,
      used_at INTEGER NOT NULL
    );
    CREATE TABLE simulations_bypass_refusals (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      spool_id TEXT NOT NULL,
      origin TEXT NOT NULL,
      reason TEXT NOT NULL
    );`,
  ],
};
