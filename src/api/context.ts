import type { AuditLog } from '../audit/audit-log.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import type { MessageCipher } from '../crypto/message-cipher.ts';
import type { Journal } from '../gateway/journal.ts';
import type { Logger } from '../gateway/log.ts';
import type { SenderProfileStore } from '../profiles/sender-profiles.ts';
import type { OutgoingRelease, QuarantineStore } from '../quarantine/quarantine-store.ts';
import type { Db } from '../store/database.ts';
import type { SessionStore } from '../users/session-store.ts';
import type { TokenStore } from '../users/token-store.ts';
import type { UserStore } from '../users/user-store.ts';
import type { DirectoryAccess } from './directory-access.ts';
import type { FeedbackStore } from './feedback-store.ts';
import type { LiveFeed } from './live-feed.ts';
import type { MessageIndex } from './message-index.ts';
import type { SettingsStore } from './settings-store.ts';

/** What the gateway offers the API when they run in one process (`medshield serve`). */
export interface GatewayLink {
  journal: Journal;
  /** Queues a released message for delivery through the gateway's spool and journal; returns the delivery id. */
  enqueue(m: OutgoingRelease & { origin: string }): string;
  /** Wakes the delivery loop after a release. */
  kick(): void;
  /** Queue sizes and ports, as /healthz reports them. */
  status(): Record<string, unknown>;
}

/** Everything the routes work with; built once by `createApiContext`. */
export interface ApiContext {
  db: Db;
  dataDir: string;
  cipher: MessageCipher;
  /** The configuration in force now (file + settings saved from the console). */
  config(): MedshieldConfig;
  quarantine: QuarantineStore;
  audit: AuditLog;
  profiles: SenderProfileStore;
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  index: MessageIndex;
  feedback: FeedbackStore;
  feed: LiveFeed;
  settings: SettingsStore;
  directory: DirectoryAccess;
  gateway: GatewayLink | null;
  logger: Logger;
  /** The built console (index.html and assets), or null when it is not built. */
  consoleDir: string | null;
}
