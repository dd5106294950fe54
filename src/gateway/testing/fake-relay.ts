import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RelayedMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
}

/** A downstream MTA for tests: records what it accepts; `refuse` decides per recipient. */
export class FakeRelay {
  readonly received: RelayedMessage[] = [];
  private server: SMTPServer | null = null;

  constructor(
    readonly port: number,
    private readonly refuse: (rcpt: string) => { code: number; message: string } | null = () => null,
  ) {}

  /** A port nothing listens on yet (the relay is "down" until `start`). */
  static async freePort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, cb) => {
        const r = this.refuse(address.address);
        if (!r) return cb();
        const err = new Error(r.message) as Error & { responseCode: number };
        err.responseCode = r.code;
        cb(err);
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
