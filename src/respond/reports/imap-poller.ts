import type { Logger } from '../../gateway/log.ts';
import { imapClient, imapErrorText } from '../pullback/imap-admin.ts';
import { readSecret } from '../secrets.ts';
import type { RespondSettings } from '../settings.ts';
import type { ReportStore } from './report-store.ts';

type ImapReportSettings = NonNullable<RespondSettings['reports']['imap']>;

/**
 * Polls a report mailbox over IMAP (where a "Report phishing" button, or staff forwarding by
 * hand, put reports): each message is stored as a report — keyed by the mailbox's
 * UIDVALIDITY and the message's UID, so a crash between storing and moving it does not
 * count it twice — and then moved to the processed folder.
 */
export class ReportMailboxPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(
    private readonly o: {
      settings: () => ImapReportSettings | undefined;
      reports: ReportStore;
      logger: Logger;
      onReports: () => void;
    },
  ) {}

  start(): void {
    if (!this.o.settings()) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  /** One pass over the mailbox; returns how many new reports were stored. */
  pollOnce(): Promise<number> {
    this.running ??= this.poll().finally(() => (this.running = null));
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pollOnce()
        .catch((err: Error) => this.o.logger.warn('report mailbox poll failed', { error: err.message }))
        .finally(() => this.schedule((this.o.settings()?.pollSeconds ?? 60) * 1000));
    }, ms);
    this.timer.unref();
  }

  private async poll(): Promise<number> {
    const s = this.o.settings();
    if (!s) return 0;
    const client = imapClient(s, s.user, readSecret(s.password, 'respond.reports.imap.password'));
    client.on('error', () => {});
    await client.connect().catch((err: unknown) => {
      throw new Error(`report mailbox ${s.user}@${s.host}: ${imapErrorText(err)}`);
    });
    let stored = 0;
    try {
      const lock = await client.getMailboxLock(s.mailbox);
      const moved: number[] = [];
      try {
        const box = client.mailbox;
        const validity = box ? String(box.uidValidity) : '0';
        const uids = (await client.search({ deleted: false }, { uid: true })) || [];
        for (const uid of uids.slice(0, 200)) {
          const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!msg || !msg.source) continue;
          const id = this.o.reports.add({ channel: 'imap', reporter: '', verified: false, raw: msg.source, sourceRef: `imap:${s.user}:${s.mailbox}:${validity}:${uid}` });
          if (id !== null) stored++;
          moved.push(uid);
        }
        if (moved.length) {
          const existing = new Set((await client.list()).map((f) => f.path.toLowerCase()));
          if (!existing.has(s.processedMailbox.toLowerCase())) await client.mailboxCreate(s.processedMailbox);
          await client.messageMove(moved.join(','), s.processedMailbox, { uid: true });
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    if (stored) {
      this.o.logger.info('reports fetched from the report mailbox', { count: stored });
      this.o.onReports();
    }
    return stored;
  }
}
