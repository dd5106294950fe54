import { knownScannerAgent, looksLikeBrowser } from './scanner-agents.ts';

/**
 * Tells a person from a machine for each request to a simulation's tracking or landing URL.
 * Mail security gateways, link-rewriting services and chat previews fetch every link in a
 * message, often within seconds of delivery, and some run the page in a sandbox and press
 * its buttons; counting them as staff who "clicked" is what ruins phishing metrics. So:
 *
 *  - any one piece of scanner evidence makes the request a scanner's: a HEAD request, no or a
 *    known scanner user agent, a program rather than a browser, a prefetch, a request within
 *    the first seconds after delivery, several of the message's links fetched at once, one
 *    client fetching many recipients' links at once, a landing step posted without the page
 *    having been loaded, or faster than a person reads;
 *  - a click (a GET of the landing page) is never enough by itself to count: a person is
 *    recognised by the landing step only a person completes (pressing the page's button or
 *    submitting its form, or a real, trusted interaction with the page reported by its
 *    script). A click with neither is reported as unconfirmed, separately.
 *
 * The function is pure: the caller passes the recent hits it needs to see patterns.
 */

export type HitKind = 'open' | 'click' | 'step' | 'submit' | 'beacon';
export type HitVerdict = 'human' | 'scanner' | 'unconfirmed';

export interface HitRequest {
  kind: HitKind;
  method: string;
  userAgent: string;
  ip: string;
  at: number;
  /** Link number within the message (0 for the pixel). */
  link: number;
  accept?: string;
  /** Purpose / Sec-Purpose / X-Moz / X-Purpose request headers, as sent. */
  purpose?: string;
  /** Beacon: the page's script saw an event the browser marked as trusted (a real pointer, key or touch). */
  trustedInteraction?: boolean;
}

export interface PriorHit {
  at: number;
  kind: HitKind;
  link: number;
  ip: string;
  verdict: HitVerdict;
}

export interface HitContext {
  /** When the message reached the mailbox (null: not yet known; then `sentAt` stands in). */
  deliveredAt: number | null;
  sentAt: number;
  /** This recipient's earlier hits. */
  targetHits: readonly PriorHit[];
  /** Distinct recipients this client (address and user agent) fetched links of within the crowd window, this one included. */
  crowdRecipients: number;
}

export interface ClassifierSettings {
  scannerWindowSeconds: number;
  burstSeconds: number;
  crowdRecipients: number;
  crowdWindowSeconds: number;
  extraScannerAgents: readonly string[];
  /** A landing step this soon after the page was served was pressed by a program. */
  minStepSeconds?: number;
}

export interface Classification {
  verdict: HitVerdict;
  reasons: string[];
}

const PAGE_KINDS: ReadonlySet<HitKind> = new Set(['click', 'step', 'submit']);

export function classifyHit(hit: HitRequest, ctx: HitContext, s: ClassifierSettings): Classification {
  const scanner: string[] = [];
  const method = hit.method.toUpperCase();
  const ua = hit.userAgent.trim();

  if (method === 'HEAD') scanner.push('HEAD request (checks the link without opening it)');
  if (!ua) scanner.push('no user agent');
  else {
    const agent = knownScannerAgent(ua, { extra: s.extraScannerAgents, forImage: hit.kind === 'open' });
    if (agent) scanner.push(`known scanner or preview agent (${agent.name})`);
    else if (hit.kind !== 'open' && !looksLikeBrowser(ua)) scanner.push('not a browser');
  }
  if (hit.purpose && /prefetch|preview|prerender/i.test(hit.purpose)) scanner.push(`browser prefetch (${hit.purpose.slice(0, 40)})`);
  // Browsers ask for text/html when they navigate (a click, a form post); programs often ask for */*.
  if (PAGE_KINDS.has(hit.kind) && method !== 'HEAD' && hit.accept !== undefined && !/text\/html/i.test(hit.accept)) {
    scanner.push(`not a page navigation (Accept: ${hit.accept.slice(0, 40) || 'none'})`);
  }

  const reference = ctx.deliveredAt ?? ctx.sentAt;
  const since = (hit.at - reference) / 1000;
  if (since < s.scannerWindowSeconds) scanner.push(since < 0 ? 'before the message was delivered' : `${since.toFixed(1)} s after delivery`);

  // A person follows one link; a scanner follows all of them at once.
  const nearby = ctx.targetHits.filter((h) => PAGE_KINDS.has(h.kind) && Math.abs(hit.at - h.at) <= s.burstSeconds * 1000);
  const links = new Set([...nearby.map((h) => h.link), ...(PAGE_KINDS.has(hit.kind) ? [hit.link] : [])]);
  if (PAGE_KINDS.has(hit.kind) && links.size >= 2) scanner.push(`${links.size} links of the message fetched within ${s.burstSeconds} s`);
  if (ctx.crowdRecipients >= s.crowdRecipients) scanner.push(`one client fetched links of ${ctx.crowdRecipients} recipients within ${s.crowdWindowSeconds} s`);

  if (hit.kind === 'step' || hit.kind === 'submit' || hit.kind === 'beacon') {
    const pages = ctx.targetHits.filter((h) => h.kind === 'click' && h.at <= hit.at);
    const page = pages[pages.length - 1];
    if (!page) scanner.push('landing step without the page having been opened');
    else if (hit.kind !== 'beacon' && (hit.at - page.at) / 1000 < (s.minStepSeconds ?? 1.5)) scanner.push(`landing step ${((hit.at - page.at) / 1000).toFixed(1)} s after the page was served`);
    else if (page.verdict === 'scanner' && page.ip === hit.ip) scanner.push('the page was opened by a scanner from this address');
  }
  if (hit.kind === 'beacon' && !hit.trustedInteraction) scanner.push('page script ran without a real interaction');

  if (scanner.length) return { verdict: 'scanner', reasons: scanner };
  switch (hit.kind) {
    case 'open':
      return { verdict: 'human', reasons: ['image loaded when the message was displayed'] };
    case 'click':
      return { verdict: 'unconfirmed', reasons: ['landing page opened; a person is recognised by the landing step'] };
    case 'step':
      return { verdict: 'human', reasons: ['pressed the landing page’s button'] };
    case 'submit':
      return { verdict: 'human', reasons: ['submitted the landing page’s form'] };
    case 'beacon':
      return { verdict: 'human', reasons: ['interacted with the landing page'] };
  }
}
