import type { ModuleSchema } from '../store/database.ts';

/**
 * The training module's tables: the people training is assigned to (attributes from the
 * staff roster over what the provider directory says), their assignments, and every quiz
 * attempt. Quiz answers are the learner's choices among the module's options, nothing typed.
 */
export const TRAINING_SCHEMA: ModuleSchema = {
  module: 'training',
  migrations: [
    `CREATE TABLE training_people (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      email TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL DEFAULT '',
      department TEXT,
      role TEXT,
      site TEXT,
      phi_access TEXT,
      in_roster INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE training_assignments (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      person_id INTEGER NOT NULL REFERENCES training_people(id),
      module TEXT NOT NULL,
      reason TEXT NOT NULL,
      campaign_id INTEGER,
      target_id INTEGER,
      assigned_by TEXT NOT NULL,
      assigned_at INTEGER NOT NULL,
      due_at INTEGER NOT NULL,
      completed_at INTEGER,
      best_score REAL,
      attempts INTEGER NOT NULL DEFAULT 0,
      notified_at INTEGER,
      reminders INTEGER NOT NULL DEFAULT 0,
      last_reminded_at INTEGER,
      cancelled_at INTEGER
    );
    CREATE UNIQUE INDEX training_assignments_open ON training_assignments(person_id, module) WHERE completed_at IS NULL AND cancelled_at IS NULL;
    CREATE INDEX training_assignments_due ON training_assignments(completed_at, due_at);
    CREATE TABLE training_attempts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      person_id INTEGER NOT NULL REFERENCES training_people(id),
      assignment_id INTEGER REFERENCES training_assignments(id),
      module TEXT NOT NULL,
      at INTEGER NOT NULL,
      score REAL NOT NULL,
      passed INTEGER NOT NULL,
      answers TEXT NOT NULL
    );
    CREATE INDEX training_attempts_person ON training_attempts(person_id, module, at);`,
  ],
};
