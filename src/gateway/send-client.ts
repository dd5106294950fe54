import nodemailer from 'nodemailer';

export interface SendResult {
  ok: boolean;
  code: number;
  response: string;
}

/**
 * Sends one message as an MTA would (nodemailer), returning the server's final reply rather
 * than throwing: `medshield demo` and the tests want to see a 550 as an answer.
 */
export async function sendMessage(
  port: number,
  m: { from: string; to: string[]; raw: Buffer | string },
  o: { host?: string; auth?: { user: string; pass: string }; tls?: boolean } = {},
): Promise<SendResult> {
  const transport = nodemailer.createTransport({
    host: o.host ?? '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: !o.tls && !o.auth,
    requireTLS: !!o.tls || !!o.auth,
    // The gateway's own certificate is self-signed unless one is configured.
    tls: { rejectUnauthorized: false },
    auth: o.auth,
    connectionTimeout: 5000,
    socketTimeout: 60_000,
  });
  try {
    const info = (await transport.sendMail({ envelope: { from: m.from, to: m.to }, raw: m.raw })) as { response: string };
    return { ok: true, code: Number(info.response.slice(0, 3)), response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}
