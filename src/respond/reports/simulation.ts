import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Training simulations mark their mail with a header whose value is `<simulation id>.<tag>`,
 * the tag an HMAC of the id under a secret derived from the message key. A report of such
 * mail is credited to the reporter's training record and answered "well spotted"; a forged
 * header (an attacker hoping to be waved through as a drill) has no valid tag and is treated
 * as the phishing it is.
 */
export function simulationHeaderValue(secret: Buffer, simulationId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(simulationId)) throw new RangeError('simulation ids are 1-64 letters, digits, _ or -');
  return `${simulationId}.${tag(secret, simulationId)}`;
}

/** The simulation id a header value names, when its tag is valid; null otherwise. */
export function verifySimulationHeader(secret: Buffer, value: string): string | null {
  const m = /^([A-Za-z0-9_-]{1,64})\.([0-9a-f]{32})$/.exec(value.trim());
  if (!m) return null;
  const expected = Buffer.from(tag(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1]! : null;
}

function tag(secret: Buffer, id: string): string {
  return createHmac('sha256', secret).update(`simulation\u0000${id}`).digest('hex').slice(0, 32);
}
