import { FUZZY_KINDS, indicatorKey, KIND_LABEL, type Indicator } from '../features/indicators.ts';
import { LogReadCache, type MessageLog } from '../messages/message-log.ts';
import type { RespondSettings } from '../settings.ts';
import type { CampaignStore } from './campaign-store.ts';
import { aggregateIndicators, linked, linkScore, matchingIndicators, type Link, type Nearness } from './clustering.ts';

const DAY = 86_400_000;
/** Messages a campaign grows by at most in one step, and the depth of the search from a seed. */
const MAX_CLUSTER = 300;
const MAX_DEPTH = 2;
/** Members read to aggregate a campaign's indicators (the newest). */
const AGGREGATE_MEMBERS = 500;
/** Origins that can be campaign mail: mail that came in, and mail only known from a report. */
const CAMPAIGN_ORIGINS = new Set(['inbound', 'reported']);

export interface Consideration {
  campaignId: number | null;
  /** A new campaign was formed (not joined). */
  formed: boolean;
  /** Messages that joined the campaign in this step. */
  added: string[];
}

/**
 * Campaign clustering over the message log. A message that matches a live campaign's own
 * indicators joins it. A suspicious message (a seed: a verdict over the seed score, a
 * report, an analyst's confirmation) is also searched out from: every logged message it is
 * linked to (clustering.ts), and theirs in turn, is gathered — delivered mail from before
 * anything was known included — and becomes a campaign (or joins, or merges, the ones
 * already there). Indicators that are common — in the mail's history (before the days
 * around it) or in much mail outside the cluster — never link: one shared newsletter link
 * cannot glue unrelated mail together. (Common outside the cluster is checked after the
 * search, which is then repeated without them.)
 */
export class CampaignTracker {
  constructor(
    private readonly log: MessageLog,
    private readonly store: CampaignStore,
    private readonly settings: () => RespondSettings['campaigns'],
  ) {}

  consider(spoolId: string, indicators: Indicator[], o: { seed: boolean; force?: boolean; now?: number }): Consideration {
    const now = o.now ?? Date.now();
    const s = this.settings();
    const reads = new LogReadCache(this.log);
    const at = reads.message(spoolId)?.receivedAt.getTime() ?? now;
    const current = this.store.campaignOf(spoolId);
    const match = this.bestCampaign(indicators);

    if (!o.seed) {
      if (current !== null) return { campaignId: this.store.resolve(current), formed: false, added: [] };
      if (!match) return { campaignId: null, formed: false, added: [] };
      const added = this.store.addMembers(match.campaignId, [{ spoolId, at, via: describeVia(match.link) }], now);
      this.refresh(match.campaignId, now, reads);
      return { campaignId: match.campaignId, formed: false, added };
    }

    const cluster = this.cluster(spoolId, indicators, new Date(now - s.windowDays * DAY), new Date(at - s.historyDays * DAY), reads);
    const existing = new Set<number>();
    if (current !== null) existing.add(this.store.resolve(current)!);
    if (match) existing.add(match.campaignId);
    for (const c of new Set(this.store.campaignsOf([...cluster.keys()]).values())) existing.add(this.store.resolve(c)!);
    reads.loadMessages(cluster.keys());
    const members = [...cluster].map(([id, via]) => ({ spoolId: id, at: reads.message(id)?.receivedAt.getTime() ?? now, via }));
    if (existing.size === 0) {
      if (cluster.size < s.minMessages && !o.force) return { campaignId: null, formed: false, added: [] };
      const id = this.store.create(`Campaign (${members.length} messages)`, members, now);
      this.refresh(id, now, reads);
      return { campaignId: id, formed: true, added: members.map((m) => m.spoolId) };
    }
    const [target, ...others] = [...existing].sort((a, b) => a - b);
    for (const other of others) this.store.merge(target!, other, now);
    const added = this.store.addMembers(target!, members, now);
    this.refresh(target!, now, reads);
    return { campaignId: target!, formed: false, added };
  }

  /** Recomputes a campaign's indicators (and its generated name) from its members. */
  refresh(campaignId: number, now = Date.now(), reads = new LogReadCache(this.log)): void {
    const s = this.settings();
    const members = this.store.members(campaignId);
    const memberSet = new Set(members.map((m) => m.spoolId));
    const recent = members.slice(-AGGREGATE_MEMBERS);
    reads.loadMessages(recent.map((m) => m.spoolId));
    reads.loadSealed(recent.map((m) => m.spoolId));
    const input = recent.map((m) => ({ at: reads.message(m.spoolId)?.receivedAt.getTime() ?? m.joinedAt.getTime(), indicators: reads.sealed(m.spoolId)?.indicators ?? [] }));
    const since = new Date(now - s.windowDays * DAY);
    const firstSeen = Math.min(now, ...input.map((m) => m.at));
    const history = new Date(firstSeen - s.historyDays * DAY);
    const outside = (i: Indicator) => {
      const { holders } = this.log.related([i], { since, textSimilarity: s.textSimilarity, imageDistance: s.imageDistance, limitPerIndicator: s.maxOutsideMessages + memberSet.size + 1, cache: reads });
      const outsiders = [...(holders.get(indicatorKey(i)) ?? [])].filter((id) => !memberSet.has(id));
      reads.loadMessages(outsiders);
      let n = 0;
      for (const id of outsiders) if ((reads.message(id)?.receivedAt.getTime() ?? 0) >= history.getTime()) n++;
      return n + this.log.historyCount(i, history, s.maxOutsideMessages + 1);
    };
    const agg = aggregateIndicators(input, { nearness: this.nearness(), maxOutside: s.maxOutsideMessages, outside });
    this.store.setIndicators(
      campaignId,
      agg.map((a) => ({ ...a, digest: this.log.digester.digest(a.kind, a.value) })),
    );
    const campaign = this.store.get(campaignId);
    if (campaign && !this.store.nameFixed(campaignId)) this.store.rename(campaignId, campaignName(agg.filter((a) => a.specific), members.length), now);
  }

  /** The live campaign whose own indicators this message shares most strongly, when linked. */
  bestCampaign(indicators: Indicator[]): { campaignId: number; link: Link } | null {
    const hits = new Map<number, Indicator[]>();
    const add = (id: number, i: Indicator) => hits.set(id, [...(hits.get(id) ?? []), i]);
    for (const i of indicators) {
      if (FUZZY_KINDS.has(i.kind)) continue;
      for (const id of this.store.campaignsWith(i.kind, this.log.digester.digest(i.kind, i.value))) add(id, i);
    }
    const fuzzy = this.store.fuzzyIndicators();
    if (fuzzy.length) {
      const byCampaign = new Map<number, Indicator[]>();
      for (const f of fuzzy) byCampaign.set(f.campaignId, [...(byCampaign.get(f.campaignId) ?? []), f]);
      for (const [id, list] of byCampaign) for (const m of matchingIndicators(indicators.filter((i) => FUZZY_KINDS.has(i.kind)), list, this.nearness())) add(id, m);
    }
    let best: { campaignId: number; link: Link } | null = null;
    for (const [id, list] of hits) {
      const link = linkScore(list);
      if (linked(link) && (!best || link.score > best.link.score || (link.score === best.link.score && id < best.campaignId))) best = { campaignId: id, link };
    }
    return best;
  }

  private nearness(): Nearness {
    const s = this.settings();
    return { text: s.textSimilarity, image: s.imageDistance };
  }

  /** The messages linked to a seed, directly or through each other, with what linked each. */
  private cluster(seed: string, indicators: Indicator[], since: Date, historyBefore: Date, reads: LogReadCache): Map<string, string> {
    const s = this.settings();
    const historic = new Map<string, boolean>();
    const isHistoric = (i: Indicator) => {
      const k = indicatorKey(i);
      if (!historic.has(k)) historic.set(k, this.log.historyCount(i, historyBefore, s.maxOutsideMessages + 1) > s.maxOutsideMessages);
      return historic.get(k)!;
    };
    let common = new Set<string>();
    let cluster = new Map<string, string>();
    for (let pass = 0; pass < 3; pass++) {
      cluster = new Map([[seed, 'seed']]);
      const holders = new Map<string, Set<string>>();
      const frontier: { id: string; indicators: Indicator[]; depth: number }[] = [{ id: seed, indicators, depth: 0 }];
      while (frontier.length && cluster.size < MAX_CLUSTER) {
        const cur = frontier.shift()!;
        const usable = cur.indicators.filter((i) => !isHistoric(i));
        const r = this.log.related(usable, { since, exclude: cur.id, textSimilarity: s.textSimilarity, imageDistance: s.imageDistance, cache: reads });
        for (const [k, set] of r.holders) holders.set(k, new Set([...(holders.get(k) ?? []), ...set]));
        const links = [...r.shared].map(([cand, shared]) => [cand, linkScore(shared, common)] as const).filter(([cand, link]) => !cluster.has(cand) && linked(link));
        reads.loadMessages(links.map(([cand]) => cand));
        const joined: string[] = [];
        for (const [cand, link] of links) {
          if (cluster.size >= MAX_CLUSTER) break;
          const m = reads.message(cand);
          if (!m || !CAMPAIGN_ORIGINS.has(m.origin)) continue;
          cluster.set(cand, describeVia(link));
          joined.push(cand);
        }
        if (cur.depth + 1 < MAX_DEPTH + 1) {
          reads.loadSealed(joined);
          for (const cand of joined) frontier.push({ id: cand, indicators: reads.sealed(cand)?.indicators ?? [], depth: cur.depth + 1 });
        }
      }
      const nowCommon = new Set(common);
      for (const [k, set] of holders) {
        let outside = 0;
        for (const id of set) if (!cluster.has(id)) outside++;
        if (outside > s.maxOutsideMessages) nowCommon.add(k);
      }
      if (nowCommon.size === common.size) break;
      common = nowCommon;
    }
    return cluster;
  }
}

function describeVia(link: Link): string {
  return link.via.map((i) => `${KIND_LABEL[i.kind]}${FUZZY_KINDS.has(i.kind) ? '' : ` ${i.value}`}`).join(', ');
}

const NAME_KINDS = ['phone', 'landing-domain', 'sender-domain', 'reply-to', 'url', 'attachment-sha256', 'sender-address'] as const;

/** A name from the campaign's most telling indicators (never from message text, which may quote patients). */
export function campaignName(specific: Indicator[], members: number): string {
  const parts: string[] = [];
  for (const kind of NAME_KINDS) {
    const i = specific.find((x) => x.kind === kind);
    if (!i) continue;
    parts.push(kind === 'phone' ? `call ${i.value}` : kind === 'attachment-sha256' ? `attachment ${i.value.slice(0, 12)}` : i.value);
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(' · ') : `Campaign (${members} message${members === 1 ? '' : 's'})`;
}
