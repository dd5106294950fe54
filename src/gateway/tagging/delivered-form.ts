import type { MessageRow } from '../journal.ts';
import type { Logger } from '../log.ts';
import { bannerLines } from './plain-words.ts';
import { renderForDelivery } from './render.ts';

export interface DeliveredFormOptions {
  authservId: string;
  orgDomains: string[];
  orgName: string;
  logger: Logger;
}

/**
 * The form a journalled message takes on its way to recipients, by origin:
 * - inbound: verdict headers and Authentication-Results; tagged mail also gets the banner;
 * - submission (staff's outbound mail): only inbound X-Medshield-* headers removed, nothing
 *   of ours added (internal scoring is not the recipient's business);
 * - release (from quarantine): marked `X-Medshield-Verdict: released`;
 * - dsn, digest: our own messages, as they are.
 * Rendering is deterministic, so a retry sends the same bytes.
 */
export async function renderForRecipients(message: MessageRow, raw: Buffer, o: DeliveredFormOptions): Promise<Buffer> {
  if (message.origin === 'dsn' || message.origin === 'digest') return raw;
  const verdict = message.origin === 'inbound' ? message.verdict : null;
  const label = message.origin === 'inbound' ? (message.action ?? verdict?.action ?? 'deliver') : message.origin === 'release' ? 'released' : null;
  const banner = verdict && label === 'tag' ? bannerLines(verdict.signals, isExternal(verdict.summary.from, o.orgDomains)) : null;
  try {
    return await renderForDelivery(raw, {
      verdict,
      label,
      authservId: o.authservId,
      banner,
      bannerSource: o.orgName ? `Medshield for ${o.orgName}` : 'Medshield',
    });
  } catch (err) {
    // A message the MIME rewriter cannot handle still goes out, unaltered but for the verdict headers on top.
    o.logger.warn('could not add banner; delivering with headers only', { spoolId: message.spoolId, error: (err as Error).message });
    const lines = label ? [`X-Medshield-Verdict: ${label}`, ...(verdict ? [`X-Medshield-Score: ${verdict.score}`] : [])] : [];
    return Buffer.concat([Buffer.from(lines.map((l) => `${l}\r\n`).join('')), withoutOurHeaders(raw)]);
  }
}

/** Drops X-Medshield-* fields (with their folded lines) from the header block, leaving every other byte. */
function withoutOurHeaders(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const cleaned = head.replace(/^X-Medshield-[^:\r\n]*:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n|$)/gim, '');
  return Buffer.concat([Buffer.from(cleaned, 'latin1'), raw.subarray(head.length)]);
}

export function isExternal(fromAddress: string, orgDomains: string[]): boolean {
  const domain = fromAddress.split('@').pop()?.toLowerCase() ?? '';
  if (!domain) return true;
  return !orgDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}
