import { ImapFlow } from 'imapflow';
import type { ImapServerSettings } from '../settings.ts';

/**
 * Administrative IMAP access to users' mailboxes, the way mail stores grant it: Dovecot's
 * master users (`auth_master_user_separator`, logging in as "owner*master" with the
 * master's password), Cyrus's proxy authorization, Exchange's impersonation through an IMAP
 * gateway. Medshield never holds users' own passwords.
 */

export interface CopyLocation {
  folder: string;
  uids: number[];
  /** What found them: the Medshield id in the Received trace, or Message-ID and sender. */
  matchedBy: 'received-id' | 'message-id';
}

export interface LocateQuery {
  spoolId: string;
  messageId: string;
  from: string;
}

export interface MailboxSession {
  readonly owner: string;
  /** Folders that can hold mail, except `skip`. */
  folders(skip: string[]): Promise<string[]>;
  /** Copies of one message across these folders. */
  locate(q: LocateQuery, folders: string[]): Promise<CopyLocation[]>;
  /** Moves copies into `target` (created when missing) or deletes them (\Deleted and expunged). */
  remove(copies: CopyLocation[], action: 'move' | 'delete', target: string): Promise<number>;
  /** Envelope subjects/ids of every message per folder (for checks and tests). */
  inventory(): Promise<{ folder: string; messages: { uid: number; messageId: string; received: string }[] }[]>;
}

export interface AdminLogin {
  server: ImapServerSettings;
  /** The IMAP login for a mailbox owner, e.g. "nurse@hospital.org*medshield". */
  login: (owner: string) => string;
  password: string;
}

export function imapClient(server: ImapServerSettings, user: string, pass: string): ImapFlow {
  return new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.secure,
    doSTARTTLS: server.secure ? undefined : server.startTls ? undefined : false,
    tls: { rejectUnauthorized: server.verifyCertificate },
    auth: { user, pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: server.timeoutMs,
    greetingTimeout: server.timeoutMs,
    socketTimeout: server.timeoutMs * 4,
  });
}

/** Opens one mailbox as the master user, runs `fn`, and logs out whatever happens. */
export async function withMailbox<T>(a: AdminLogin, owner: string, fn: (s: MailboxSession) => Promise<T>): Promise<T> {
  const client = imapClient(a.server, a.login(owner), a.password);
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new Error(imapErrorText(err));
  }
  try {
    return await fn(session(client, owner));
  } finally {
    await client.logout().catch(() => client.close());
  }
}

function session(client: ImapFlow, owner: string): MailboxSession {
  return {
    owner,
    async folders(skip) {
      const skipSet = new Set(skip.map((s) => s.toLowerCase()));
      const list = await client.list();
      return list.filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent') && !skipSet.has(f.path.toLowerCase())).map((f) => f.path);
    },
    async locate(q, folders) {
      const out: CopyLocation[] = [];
      for (const folder of folders) {
        const lock = await client.getMailboxLock(folder);
        try {
          let uids = (await client.search({ header: { received: q.spoolId } }, { uid: true })) || [];
          let matchedBy: CopyLocation['matchedBy'] = 'received-id';
          // A copy whose trace was rewritten downstream: the Message-ID and the sender together.
          if (uids.length === 0 && q.messageId && q.from) {
            uids = (await client.search({ header: { 'message-id': q.messageId }, from: q.from }, { uid: true })) || [];
            matchedBy = 'message-id';
          }
          if (uids.length) out.push({ folder, uids, matchedBy });
        } finally {
          lock.release();
        }
      }
      return out;
    },
    async remove(copies, action, target) {
      let n = 0;
      if (action === 'move' && copies.length) {
        const existing = new Set((await client.list()).map((f) => f.path.toLowerCase()));
        if (!existing.has(target.toLowerCase())) await client.mailboxCreate(target);
      }
      for (const c of copies) {
        const lock = await client.getMailboxLock(c.folder);
        try {
          if (action === 'move') {
            if (await client.messageMove(c.uids.join(','), target, { uid: true })) n += c.uids.length;
          } else if (await client.messageDelete(c.uids.join(','), { uid: true })) n += c.uids.length;
        } finally {
          lock.release();
        }
      }
      return n;
    },
    async inventory() {
      const out: { folder: string; messages: { uid: number; messageId: string; received: string }[] }[] = [];
      for (const f of await client.list()) {
        if (f.flags.has('\\Noselect')) continue;
        const lock = await client.getMailboxLock(f.path);
        try {
          const messages: { uid: number; messageId: string; received: string }[] = [];
          const status = client.mailbox;
          if (status && status.exists > 0) {
            for (const m of await client.fetchAll('1:*', { uid: true, envelope: true, headers: ['received'] })) {
              messages.push({ uid: m.uid, messageId: (m.envelope?.messageId ?? '').replace(/^<|>$/g, ''), received: m.headers?.toString('latin1') ?? '' });
            }
          }
          out.push({ folder: f.path, messages });
        } finally {
          lock.release();
        }
      }
      return out;
    },
  };
}

/** imapflow's errors say "Command failed"; the server's own words are in responseText. */
export function imapErrorText(err: unknown): string {
  const e = err as { message?: string; responseText?: string; authenticationFailed?: boolean; code?: string };
  if (e.authenticationFailed) return `login refused${e.responseText ? `: ${e.responseText}` : ''}`;
  return [e.code, e.responseText ?? e.message].filter(Boolean).join(': ') || String(err);
}
