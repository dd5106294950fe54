import { existsSync, mkdirSync } from 'node:fs';
import { link, mkdir, open, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DeliveryJob, DeliveryTransport, RecipientResult } from './transport.ts';

/**
 * Local delivery when no downstream MTA is configured: one Maildir per recipient under
 * <dataDir>/maildir/<address>/{tmp,new,cur}, readable by Dovecot, mutt or any IMAP server
 * pointed at it.
 *
 * Delivery is idempotent: the file name is derived from the journal's delivery id, so a
 * delivery repeated after a crash finds its own earlier file (in new/, or in cur/ once a
 * mail client has seen it) and does not write a second copy.
 */
export class MaildirTransport implements DeliveryTransport {
  readonly name = 'maildir';
  readonly concurrency = 4;
  private readonly host = hostname().replace(/[/:]/g, '_');

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  async deliver(job: DeliveryJob): Promise<RecipientResult[]> {
    const results: RecipientResult[] = [];
    for (const r of job.recipients) {
      try {
        results.push({ id: r.id, status: 'delivered', detail: await this.write(job, r.id, r.recipient) });
      } catch (err) {
        // A full disk or a permission problem is temporary: fixed by the operator, retried.
        results.push({ id: r.id, status: 'temporary', error: `maildir: ${(err as Error).message}` });
      }
    }
    return results;
  }

  async close(): Promise<void> {}

  /** The Maildir of a recipient (created on first delivery). */
  mailbox(recipient: string): string {
    return join(this.root, mailboxName(recipient));
  }

  private async write(job: DeliveryJob, deliveryId: number, recipient: string): Promise<string> {
    const box = this.mailbox(recipient);
    for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(box, sub), { recursive: true, mode: 0o700 });
    // time.Mseq_Ddelivery.host: unique per delivery, sortable by arrival like any Maildir name.
    const name = `${Math.floor(job.receivedAt.getTime() / 1000)}.M${job.seq}_D${deliveryId}.${this.host}`;
    const target = join(box, 'new', name);
    if (existsSync(target)) return name;
    if (job.recovering && (await readdir(join(box, 'cur'))).some((f) => f === name || f.startsWith(`${name}:`))) return name;
    const tmp = join(box, 'tmp', name);
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(Buffer.concat([Buffer.from(`Return-Path: <${job.mailFrom}>\r\nDelivered-To: ${recipient}\r\n`), job.raw]));
      await file.sync();
    } finally {
      await file.close();
    }
    // link + unlink rather than rename: link fails if the name exists, never replaces (the Maildir convention).
    try {
      await link(tmp, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await rm(tmp, { force: true });
    const dir = await open(join(box, 'new'), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return name;
  }
}

/** A recipient address as a directory name: lower-case, and nothing that could climb out of the root. */
export function mailboxName(recipient: string): string {
  const safe = recipient.toLowerCase().replace(/[^a-z0-9@._+-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe.startsWith('.') ? `%2e${safe.slice(1)}` : safe;
}
