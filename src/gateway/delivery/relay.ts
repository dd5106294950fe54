import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliveryJob, DeliveryTransport, RecipientResult } from './transport.ts';

export interface RelayOptions {
  host: string;
  port: number;
  hostname: string;
  requireTls: boolean;
  verifyCertificate: boolean;
  maxConnections: number;
  timeoutMs: number;
  /** LMTP (RFC 2033) instead of SMTP: delivery straight into a mail store. */
  protocol?: 'smtp' | 'lmtp';
}

interface SendError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SendError[];
}

/**
 * Delivery to the downstream MTA (Postfix, Exchange, a Microsoft 365 connector) over SMTP
 * with nodemailer's pooled transport. The answer is classified per recipient: 2xx
 * delivered, 4xx and every network failure temporary (retried with backoff), 5xx permanent
 * (bounced with a DSN).
 *
 * Delivery to another MTA is at-least-once, as SMTP itself is (RFC 1047): the journal
 * records a delivery right after the relay's 250 arrives. A crash inside that window (the
 * downstream has the message, the journal does not yet say so) sends it again on restart.
 * The window is a few milliseconds and the message is resent byte-identical with the same
 * Message-ID, which is what downstream duplicate suppression (Exchange, Gmail, Dovecot's
 * duplicate elimination) keys on. Closing it completely would need the downstream to accept
 * a client-chosen transaction id, which SMTP has no way to carry. Local Maildir delivery has
 * no such window: its file names are derived from the journal's delivery id.
 */
export class RelayTransport implements DeliveryTransport {
  readonly name: string;
  readonly concurrency: number;
  private readonly transporter: Transporter;

  constructor(readonly o: RelayOptions) {
    this.concurrency = o.maxConnections;
    this.name = o.protocol === 'lmtp' ? 'lmtp' : 'relay';
    this.transporter = nodemailer.createTransport({
      host: o.host,
      port: o.port,
      secure: false,
      lmtp: o.protocol === 'lmtp',
      name: o.hostname,
      pool: true,
      maxConnections: o.maxConnections,
      maxMessages: 1000,
      requireTLS: o.requireTls,
      tls: { rejectUnauthorized: o.verifyCertificate },
      connectionTimeout: Math.min(o.timeoutMs, 30_000),
      greetingTimeout: Math.min(o.timeoutMs, 30_000),
      socketTimeout: o.timeoutMs,
    });
  }

  async deliver(job: DeliveryJob): Promise<RecipientResult[]> {
    const byAddress = new Map(job.recipients.map((r) => [r.recipient.toLowerCase(), r.id]));
    try {
      const info = (await this.transporter.sendMail({
        envelope: { from: job.mailFrom, to: job.recipients.map((r) => r.recipient) },
        raw: job.raw,
      })) as { response?: string; rejectedErrors?: SendError[] };
      const rejected = new Map((info.rejectedErrors ?? []).map((e) => [String(e.recipient ?? '').toLowerCase(), e]));
      return job.recipients.map((r) => {
        const e = rejected.get(r.recipient.toLowerCase());
        if (e) return failure(r.id, e);
        return { id: r.id, status: 'delivered' as const, detail: `relay ${this.o.host}:${this.o.port}: ${info.response ?? '250'}` };
      });
    } catch (err) {
      const e = err as SendError;
      if (e.rejectedErrors?.length) {
        // Every recipient refused at RCPT: each has its own reply.
        const perRecipient = new Map(e.rejectedErrors.map((x) => [String(x.recipient ?? '').toLowerCase(), x]));
        return job.recipients.map((r) => failure(r.id, perRecipient.get(r.recipient.toLowerCase()) ?? e));
      }
      return [...byAddress.values()].map((id) => failure(id, e));
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

function failure(id: number, e: SendError): RecipientResult {
  const code = e.responseCode ?? 0;
  const text = (e.response ?? e.message ?? String(e)).replace(/\s+/g, ' ').trim();
  return { id, status: code >= 500 && code < 600 ? 'permanent' : 'temporary', error: code ? text : `${e.code ?? 'error'}: ${text}` };
}
