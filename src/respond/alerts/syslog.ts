import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';

/**
 * Syslog per RFC 5424, over UDP (RFC 5426: one message per datagram) or TCP (RFC 6587
 * octet counting: "<length> <message>"). Written here rather than taken from npm: the
 * syslog packages there are RFC 3164-only or unmaintained, and the format is a few lines.
 */

export const SYSLOG_SEVERITY = { emergency: 0, alert: 1, critical: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;
export type SyslogSeverity = keyof typeof SYSLOG_SEVERITY;

export interface SyslogMessage {
  facility: number;
  severity: SyslogSeverity;
  timestamp: Date;
  hostname?: string;
  appName: string;
  procId?: string;
  msgId?: string;
  /** Structured data: SD-ID → params. Custom SD-IDs carry "@<private enterprise number>". */
  structuredData?: Record<string, Record<string, string>>;
  message: string;
}

const NILVALUE = '-';

/** PRINTUSASCII without space, truncated to the field's maximum length; '-' when empty. */
function field(value: string | undefined, max: number): string {
  const v = (value ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return v || NILVALUE;
}

/** SD-NAME: printable ASCII except '=', ' ', ']', '"'; at most 32 characters. */
function sdName(name: string): string {
  const v = name.replace(/[^\x21-\x7e]|[= \]"]/g, '').slice(0, 32);
  if (!v) throw new RangeError(`structured-data name ${JSON.stringify(name)} has no allowed characters`);
  return v;
}

/** PARAM-VALUE escapes '"', '\' and ']' with a backslash (RFC 5424 6.3.3). */
function sdValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

export function formatSyslog5424(m: SyslogMessage): string {
  if (!Number.isInteger(m.facility) || m.facility < 0 || m.facility > 23) throw new RangeError(`syslog facility ${m.facility} is not 0-23`);
  const pri = m.facility * 8 + SYSLOG_SEVERITY[m.severity];
  const sd = m.structuredData && Object.keys(m.structuredData).length
    ? Object.entries(m.structuredData)
        .map(([id, params]) => `[${sdName(id)}${Object.entries(params).map(([k, v]) => ` ${sdName(k)}="${sdValue(v)}"`).join('')}]`)
        .join('')
    : NILVALUE;
  const header = [
    `<${pri}>1`,
    m.timestamp.toISOString(),
    field(m.hostname ?? osHostname(), 255),
    field(m.appName, 48),
    field(m.procId ?? String(process.pid), 128),
    field(m.msgId, 32),
    sd,
  ].join(' ');
  // MSG is UTF-8, and then starts with a BOM (RFC 5424 6.4); plain ASCII needs none.
  const bom = /[^\x00-\x7f]/.test(m.message) ? '\ufeff' : '';
  return m.message ? `${header} ${bom}${m.message.replace(/[\r\n]+/g, ' ')}` : header;
}

/** RFC 6587 3.4.1 octet-counting frame. */
export function frameOctetCounting(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}

export interface SyslogTransport {
  send(message: string): Promise<void>;
  close(): Promise<void>;
}

/** UDP: fire and forget per datagram (truncated to 2048 octets, which every receiver must accept, RFC 5426 3.2). */
export class UdpSyslog implements SyslogTransport {
  private socket: UdpSocket | null = null;
  constructor(private readonly host: string, private readonly port: number) {}

  send(message: string): Promise<void> {
    const data = Buffer.from(message, 'utf8').subarray(0, 2048);
    this.socket ??= createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => this.socket!.send(data, this.port, this.host, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/** TCP: one connection, reopened after an error; a send resolves once the bytes are written. */
export class TcpSyslog implements SyslogTransport {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  constructor(private readonly host: string, private readonly port: number, private readonly timeoutMs = 10_000) {}

  async send(message: string): Promise<void> {
    const socket = await this.connection();
    const frame = frameOctetCounting(message);
    await new Promise<void>((resolve, reject) =>
      socket.write(frame, (err) => {
        if (err) {
          this.reset();
          reject(err);
        } else resolve();
      }),
    );
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((r) => s.end(() => r()));
  }

  private connection(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: this.host, port: this.port });
      s.setTimeout(this.timeoutMs, () => s.destroy(new Error(`syslog ${this.host}:${this.port}: connection timed out`)));
      s.once('connect', () => {
        s.setTimeout(0);
        this.socket = s;
        this.connecting = null;
        resolve(s);
      });
      s.once('error', (err) => {
        this.connecting = null;
        this.reset();
        reject(err);
      });
      s.on('close', () => {
        if (this.socket === s) this.socket = null;
      });
    });
    return this.connecting;
  }

  private reset(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}
