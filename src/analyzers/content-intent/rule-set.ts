import type { Intent, IntentRule } from './rules/types.ts';

/**
 * All rules, matched so that a long message costs little: one scan finds every anchor word
 * of every rule, and each rule then runs its pattern only in windows around its own anchors.
 * Plain "run every pattern over the whole text" costs ~40 µs per pattern on 20 KB, ~100
 * patterns, which is ten times the budget.
 */

export interface RuleHit {
  rule: IntentRule;
  /** The matched phrase, as it reads in the normalized text. */
  phrase: string;
  index: number;
}

export type HitsByIntent = Map<Intent, RuleHit[]>;

export interface FindOptions {
  /** Which intents to run; all by default. */
  intents?: (intent: Intent) => boolean;
  /** Hits kept per rule. */
  perRule?: number;
  /** Hits kept per rule, for particular intents. */
  perRuleOf?: Partial<Record<Intent, number>>;
}

/**
 * A match contains one of its rule's anchors, so it starts at most this far before the
 * anchor and ends at most this far after it. The rule tests hold every pattern to it.
 */
export const MAX_MATCH_SPAN = 200;

export class IntentMatcher {
  private readonly rules: readonly IntentRule[];
  private readonly patterns: RegExp[];
  private readonly anchorScan: RegExp;
  /** For each anchor: the rules it arms, its own and those of every anchor that is a prefix of it. */
  private readonly rulesByAnchor = new Map<string, number[]>();

  constructor(rules: readonly IntentRule[]) {
    this.rules = rules;
    this.patterns = rules.map((r) => new RegExp(r.pattern, 'g'));
    const own = new Map<string, number[]>();
    rules.forEach((r, i) => {
      for (const a of r.anchors) own.set(a, [...(own.get(a) ?? []), i]);
    });
    // Longest first: at one position the alternation reports the longest anchor, which
    // implies its prefixes ("password" arms the rules anchored on "pass" too).
    const anchors = [...own.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
    for (const a of anchors) {
      const armed = new Set<number>();
      for (const b of anchors) if (a.startsWith(b)) for (const i of own.get(b) ?? []) armed.add(i);
      this.rulesByAnchor.set(a, [...armed]);
    }
    this.anchorScan = new RegExp(`\\b(?:${anchors.map(escapeRegExp).join('|')})`, 'g');
  }

  /** Where each wanted rule's anchors occur in `text`: rule index → anchor offsets, ascending. */
  private anchorsIn(text: string, wanted: (intent: Intent) => boolean): Map<number, number[]> {
    const at = new Map<number, number[]>();
    const re = this.anchorScan;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      for (const i of this.rulesByAnchor.get(m[0]) ?? []) {
        if (!wanted(this.rules[i].intent)) continue;
        const list = at.get(i);
        if (list) list.push(m.index);
        else at.set(i, [m.index]);
      }
    }
    return at;
  }

  /**
   * Every hit of every rule in `text` (normalized), at most `perRule` each, negated hits
   * included: what a negation means is the caller's decision.
   */
  findAll(text: string, options: FindOptions = {}): HitsByIntent {
    const { intents = () => true, perRule = 3, perRuleOf = {} } = options;
    const out: HitsByIntent = new Map();
    const anchors = this.anchorsIn(text, intents);
    for (const i of [...anchors.keys()].sort((a, b) => a - b)) {
      const rule = this.rules[i];
      const limit = perRuleOf[rule.intent] ?? perRule;
      const hits = this.matchAround(text, i, anchors.get(i) ?? [], limit);
      if (hits.length === 0) continue;
      const list = out.get(rule.intent);
      if (list) list.push(...hits);
      else out.set(rule.intent, hits);
    }
    return out;
  }

  private matchAround(text: string, ruleIndex: number, offsets: number[], limit: number): RuleHit[] {
    const rule = this.rules[ruleIndex];
    const re = this.patterns[ruleIndex];
    const hits: RuleHit[] = [];
    let done = 0;
    for (let k = 0; k < offsets.length && hits.length < limit; ) {
      let from = Math.max(done, offsets[k] - MAX_MATCH_SPAN);
      // Start on a word boundary, so a window never begins with the tail of a word.
      if (from > 0 && text[from - 1] !== ' ') {
        const space = text.lastIndexOf(' ', from);
        from = space < 0 ? 0 : Math.max(done, space + 1);
      }
      let to = Math.min(text.length, offsets[k] + MAX_MATCH_SPAN);
      // Windows of nearby anchors overlap; run them as one.
      while (k + 1 < offsets.length && offsets[k + 1] - MAX_MATCH_SPAN <= to) {
        k++;
        to = Math.min(text.length, offsets[k] + MAX_MATCH_SPAN);
      }
      k++;
      // End on a word boundary too: a cut-off "orders" must not match "order".
      const space = text.indexOf(' ', to);
      to = space < 0 ? text.length : space;
      const windowText = text.slice(from, to);
      re.lastIndex = 0;
      for (let m = re.exec(windowText); m !== null && hits.length < limit; m = re.exec(windowText)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        hits.push({ rule, phrase: m[0], index: from + m.index });
      }
      done = to;
    }
    return hits;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
