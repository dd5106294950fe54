import { FUZZY_KINDS, indicatorKey, LINK_THRESHOLD, LINK_WEIGHT, type Indicator, type IndicatorKind } from '../features/indicators.ts';
import { minhashSimilarity } from '../features/minhash.ts';
import { hamming } from '../features/phash-bands.ts';

/**
 * The clustering rule, pure: how strongly a set of shared indicators ties two messages (or
 * a message and a campaign) together, and which of a campaign's indicators are its own.
 */

export interface Link {
  score: number;
  /** The indicators that made the link, strongest kind first. */
  via: Indicator[];
}

/**
 * Each kind counts once (two links to the same landing domain are one fact), and indicators
 * known to be common (seen in much mail outside the campaign) count for nothing.
 */
export function linkScore(shared: Indicator[], common: ReadonlySet<string> = new Set()): Link {
  const byKind = new Map<IndicatorKind, Indicator>();
  for (const i of shared) if (!common.has(indicatorKey(i)) && !byKind.has(i.kind)) byKind.set(i.kind, i);
  const via = [...byKind.values()].sort((a, b) => LINK_WEIGHT[b.kind] - LINK_WEIGHT[a.kind]);
  return { score: via.reduce((s, i) => s + LINK_WEIGHT[i.kind], 0), via };
}

export function linked(l: Link): boolean {
  return l.score >= LINK_THRESHOLD;
}

export interface Nearness {
  /** MinHash similarity from which texts are near-duplicates. */
  text: number;
  /** Perceptual-hash bits within which images are the same picture. */
  image: number;
}

/** Whether two values of a fuzzy kind are near enough to count as the same. */
export function near(kind: IndicatorKind, a: string, b: string, n: Nearness): boolean {
  return kind === 'text-minhash' ? minhashSimilarity(a, b) >= n.text : hamming(a, b) <= n.image;
}

/** A message's indicators that match a set of campaign indicators (exact, or near for fuzzy kinds). */
export function matchingIndicators(message: Indicator[], campaign: Indicator[], distance: Nearness): Indicator[] {
  const exact = new Set(campaign.filter((i) => !FUZZY_KINDS.has(i.kind)).map(indicatorKey));
  const fuzzy = campaign.filter((i) => FUZZY_KINDS.has(i.kind));
  const out: Indicator[] = [];
  for (const m of message) {
    if (!FUZZY_KINDS.has(m.kind)) {
      if (exact.has(indicatorKey(m))) out.push(m);
      continue;
    }
    if (fuzzy.some((c) => c.kind === m.kind && near(m.kind, c.value, m.value, distance))) out.push(m);
  }
  return out;
}

export interface AggregatedIndicator extends Indicator {
  /** Members holding it (for fuzzy kinds: members within distance). */
  messages: number;
  firstSeen: number;
  lastSeen: number;
  /** Shared by at least two members and not common outside the campaign: linking and blocking use only these. */
  specific: boolean;
}

/**
 * A campaign's indicators from its members' indicators. `outside(i)` tells how many
 * messages outside the campaign hold the indicator.
 */
export function aggregateIndicators(
  members: { at: number; indicators: Indicator[] }[],
  o: { nearness: Nearness; maxOutside: number; outside: (i: Indicator) => number },
): AggregatedIndicator[] {
  const agg = new Map<string, AggregatedIndicator>();
  for (const m of members) {
    for (const i of m.indicators) {
      const k = indicatorKey(i);
      const a = agg.get(k);
      if (a) {
        a.firstSeen = Math.min(a.firstSeen, m.at);
        a.lastSeen = Math.max(a.lastSeen, m.at);
      } else agg.set(k, { ...i, messages: 0, firstSeen: m.at, lastSeen: m.at, specific: false });
    }
  }
  for (const a of agg.values()) {
    a.messages = members.filter((m) => m.indicators.some((i) => i.kind === a.kind && (FUZZY_KINDS.has(a.kind) ? near(a.kind, i.value, a.value, o.nearness) : i.value === a.value))).length;
    // A single-message campaign (a reported one-off) has nothing shared: its strong indicators are its own.
    const shared = a.messages >= 2 || (members.length === 1 && LINK_WEIGHT[a.kind] >= LINK_THRESHOLD);
    a.specific = shared && a.kind !== 'client-ip' && o.outside(a) <= o.maxOutside;
  }
  return [...agg.values()].sort((a, b) => Number(b.specific) - Number(a.specific) || b.messages - a.messages || LINK_WEIGHT[b.kind] - LINK_WEIGHT[a.kind]);
}
