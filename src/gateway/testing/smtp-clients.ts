import { connect, type Socket } from 'node:net';

export { sendMessage, type SendResult } from '../send-client.ts';

/** A line-level SMTP client for protocol tests: send exactly these bytes, read the reply. */
export class RawSmtp {
  private buffer = '';
  private waiters: ((line: string) => void)[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.flush();
    });
    socket.on('close', () => {
      this.closed = true;
      this.flush();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<{ client: RawSmtp; greeting: string }> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawSmtp(socket);
    return { client, greeting: await client.reply() };
  }

  /** The next complete (possibly multi-line) reply; '' once the server closed the connection. */
  reply(): Promise<string> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.flush();
    });
  }

  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private flush(): void {
    while (this.waiters.length) {
      const m = /^((?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n)/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[1]!.length);
        this.waiters.shift()!(m[1]!.trimEnd());
      } else if (this.closed) {
        this.waiters.shift()!('');
      } else return;
    }
  }
}
