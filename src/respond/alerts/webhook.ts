import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook delivery, signed the way Stripe and GitHub sign theirs: `X-Medshield-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The timestamp is inside the MAC, so
 * a receiver that also checks it is recent refuses replays; v1 names the scheme so it can
 * change without breaking receivers.
 */

export const SIGNATURE_HEADER = 'x-medshield-signature';

export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** For receivers (and the tests): true when the header carries a valid v1 MAC of this body made within `toleranceSec`. */
export function verifyWebhookSignature(secret: string, header: string, body: string, o: { now?: number; toleranceSec?: number } = {}): boolean {
  const parts = Object.fromEntries(
    header
      .split(',')
      .map((p) => p.trim().split('='))
      .filter((kv) => kv.length === 2) as [string, string][],
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1)) return false;
  const now = Math.floor((o.now ?? Date.now()) / 1000);
  if (Math.abs(now - t) > (o.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type WebhookResult = { ok: true; status: number } | { ok: false; permanent: boolean; error: string };

/**
 * One POST. 2xx is success; 4xx other than 408 and 429 is permanent (the receiver refuses
 * this request and will refuse it again); everything else, network errors included, is
 * worth a retry.
 */
export async function postWebhook(o: { url: string; secret: string; body: string; eventId: string; eventType: string; timeoutMs: number; now?: number }): Promise<WebhookResult> {
  const timestamp = Math.floor((o.now ?? Date.now()) / 1000);
  try {
    const res = await fetch(o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Medshield-Webhook/1',
        'x-medshield-event': o.eventType,
        'x-medshield-delivery': o.eventId,
        [SIGNATURE_HEADER]: signWebhook(o.secret, o.body, timestamp),
      },
      body: o.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return { ok: false, permanent, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, permanent: false, error: e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms` : `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}` };
  }
}
