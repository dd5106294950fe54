import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { IpLimits } from './ip-limits.ts';
import type { Logger } from './log.ts';

/** What the listener hands the gateway once a message has been received in full. */
export interface ReceivedMessage {
  raw: Buffer;
  clientIp: string;
  helo: string;
  mailFrom: string;
  rcptTo: string[];
  authUser?: string;
  tls: boolean;
  listener: 'mx' | 'submission';
}

/** The SMTP reply to DATA: 250 only once the message is durable; 550 for a reject in time. */
export interface DataReply {
  code: number;
  message: string;
}

export interface ListenerOptions {
  kind: 'mx' | 'submission';
  hostname: string;
  host: string;
  port: number;
  tls: { key: Buffer; cert: Buffer };
  maxMessageBytes: number;
  maxRecipients: number;
  maxConnections: number;
  socketTimeoutMs: number;
  rejectBareLf: boolean;
  /** On shutdown, open sessions get this long to finish before a 421. */
  closeTimeoutMs: number;
  ipLimits: IpLimits;
  /** MX: is this recipient ours? A reply code and text when not. */
  checkRecipient?: (address: string) => DataReply | null;
  /** Submission: checks a login. */
  authenticate?: (username: string, password: string) => Promise<boolean>;
  /** Submission: may this user send as this envelope sender? */
  checkSender?: (user: string, address: string) => boolean;
  receive: (m: ReceivedMessage) => Promise<DataReply>;
  logger: Logger;
}

class SmtpError extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One SMTP listener on smtp-server: the MX side (accepts mail for the org's domains from
 * anyone, never relays) or the submission side (staff, AUTH over STARTTLS only, may send
 * anywhere). Both hand complete messages to `receive` and answer DATA with its reply.
 *
 * Replies carry RFC 3463 enhanced codes written here (ENHANCEDSTATUSCODES is not announced
 * by smtp-server then), because its automatic mapping calls every 550 "5.1.1 bad mailbox",
 * which would make senders drop a recipient address over a content reject.
 */
export class SmtpListener {
  private readonly server: SMTPServer;
  private readonly admitted = new Set<string>();

  constructor(private readonly o: ListenerOptions) {
    const submission = o.kind === 'submission';
    this.server = new SMTPServer({
      name: o.hostname,
      banner: submission ? 'Medshield submission' : 'Medshield ESMTP',
      key: o.tls.key,
      cert: o.tls.cert,
      size: o.maxMessageBytes,
      maxClients: o.maxConnections,
      maxRecipients: o.maxRecipients,
      socketTimeout: o.socketTimeoutMs,
      closeTimeout: o.closeTimeoutMs,
      hideENHANCEDSTATUSCODES: true,
      disableReverseLookup: true,
      // The limit of RFC 5321 4.5.3.1.4 (512) plus room for ESMTP parameters and AUTH PLAIN.
      maxCommandLength: 4096,
      disabledCommands: submission ? [] : ['AUTH'],
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: !submission,
      allowInsecureAuth: false,
      logger: false,
      onConnect: (session, cb) => this.onConnect(session, cb),
      onClose: (session) => this.onClose(session),
      onAuth: (auth, session, cb) => {
        if (!submission || !o.authenticate) return cb(new SmtpError(502, '5.5.1 AUTH not available here'));
        const username = auth.username ?? '';
        o.authenticate(username, auth.password ?? '')
          .then((ok) => {
            if (ok) return cb(null, { user: username });
            o.logger.warn('authentication failed', { listener: o.kind, clientIp: session.remoteAddress, username });
            cb(new SmtpError(535, '5.7.8 Authentication credentials invalid'));
          })
          .catch(() => cb(new SmtpError(454, '4.7.0 Temporary authentication failure')));
      },
      onMailFrom: (address, session, cb) => this.onMailFrom(address, session, cb),
      onRcptTo: (address, session, cb) => this.onRcptTo(address, session, cb),
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    this.server.on('error', (err) => o.logger.warn('smtp listener error', { listener: o.kind, error: err.message }));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`cannot listen on ${this.o.host}:${this.o.port} (${this.o.kind}): ${err.message}`));
      this.server.server.once('error', onError);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.server.off('error', onError);
        resolve();
      });
    });
    return (this.server.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections; open sessions get 421 from smtp-server once its grace time passes. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    const ip = session.remoteAddress;
    if (!this.o.ipLimits.connect(ip)) {
      this.o.logger.warn('connection refused: too many from this address', { listener: this.o.kind, clientIp: ip });
      return cb(new SmtpError(421, '4.7.0 Too many connections from your address, try again later'));
    }
    this.admitted.add(session.id);
    cb();
  }

  private onClose(session: SMTPServerSession): void {
    if (this.admitted.delete(session.id)) this.o.ipLimits.disconnect(session.remoteAddress);
  }

  private onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    if (!this.o.ipLimits.startMessage(session.remoteAddress)) {
      this.o.logger.warn('message refused: rate limit', { listener: this.o.kind, clientIp: session.remoteAddress });
      return cb(new SmtpError(451, '4.7.1 Too many messages from your address, slow down'));
    }
    if (this.o.kind === 'submission') {
      const user = String(session.user ?? '');
      if (!this.o.checkSender?.(user, address.address)) {
        return cb(new SmtpError(553, `5.7.1 ${user} may not send as <${address.address}>`));
      }
    }
    cb();
  }

  private onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    if (this.o.kind === 'mx' && this.o.checkRecipient) {
      const refusal = this.o.checkRecipient(address.address);
      if (refusal) return cb(new SmtpError(refusal.code, refusal.message));
    }
    cb();
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let bareLf = false;
    let previous = 0;
    stream.on('data', (chunk: Buffer) => {
      if (this.o.rejectBareLf && !bareLf) {
        for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
          const before = i > 0 ? chunk[i - 1] : previous;
          if (before !== 0x0d) {
            bareLf = true;
            break;
          }
        }
        previous = chunk[chunk.length - 1] ?? previous;
      }
      size += chunk.length;
      // Past the limit the rest is read and dropped; smtp-server answers 552.
      if (size <= this.o.maxMessageBytes) chunks.push(chunk);
    });
    stream.on('error', (err) => cb(new SmtpError(451, `4.3.0 ${err.message}`)));
    stream.on('end', () => {
      if (stream.sizeExceeded || size > this.o.maxMessageBytes) {
        return cb(new SmtpError(552, `5.3.4 Message exceeds the maximum size of ${this.o.maxMessageBytes} bytes`));
      }
      if (bareLf) {
        // Bare LF is how SMTP smuggling hides a second message in the first (CVE-2023-51766 and kin).
        return cb(new SmtpError(550, '5.5.2 Message contains a bare <LF>; lines must end with <CR><LF>'));
      }
      const m: ReceivedMessage = {
        raw: Buffer.concat(chunks, size),
        clientIp: session.remoteAddress,
        helo: session.hostNameAppearsAs ?? '',
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        authUser: session.user ? String(session.user) : undefined,
        tls: !!session.secure,
        listener: this.o.kind,
      };
      this.o
        .receive(m)
        .then((reply) => (reply.code >= 200 && reply.code < 300 ? cb(null, reply.message) : cb(new SmtpError(reply.code, reply.message))))
        .catch((err: Error) => {
          this.o.logger.error('could not accept message', { listener: this.o.kind, clientIp: m.clientIp, error: err.message });
          cb(new SmtpError(451, '4.3.0 Temporary local problem, try again later'));
        });
    });
  }
}
