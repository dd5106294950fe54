import { z } from 'zod';
import { defineAnalyzer } from '../analyzer.ts';
import { linked, linkScore, matchingIndicators } from '../../respond/campaigns/clustering.ts';
import { blocklistReader } from '../../respond/campaigns/blocklist.ts';
import { extractFeatures } from '../../respond/features/extract.ts';
import { KIND_LABEL } from '../../respond/features/indicators.ts';
import { registrableDomain } from '../../text/domains.ts';

/**
 * Mail that matches a contained campaign: once users' reports or an analyst contain a
 * campaign (src/respond), its own indicators — callback numbers, landing domains, sending
 * domains, attachments, near-duplicate text and images — block every later variant. The
 * indicators live in the store; `store` names it (`medshield serve` sets it), and scanning
 * without a store blocks nothing. A match needs the same evidence that links two messages
 * into one campaign (one strong indicator, or two weaker ones), never infrastructure alone.
 */

const configSchema = z
  .object({
    /** The Medshield store (SQLite) holding the respond module's campaigns; '' = none. */
    store: z.string().default(''),
    /** MinHash similarity (word 3-shingles) from which a text is a near-duplicate of a campaign's. */
    textSimilarity: z.number().min(0.5).max(1).default(0.7),
    /** Perceptual-hash bits an image may differ in from a campaign's (of 64). */
    imageDistance: z.number().int().min(0).max(7).default(6),
  })
  .strict();

export const campaignIndicators = defineAnalyzer({
  id: 'campaign-indicators',
  description: 'Indicators of campaigns the security team (or users’ reports) contained: later variants are quarantined.',
  config: configSchema,
  signals: {
    CAMPAIGN_BLOCKED_INDICATOR: {
      weight: 12,
      description:
        'The message shares a contained campaign’s own indicators (callback number, landing domain, sending domain, attachment, near-duplicate text or image): a new variant of mail already judged phishing.',
    },
  },

  async analyze(msg, ctx, config, emit) {
    if (!config.store) return;
    const blocklist = blocklistReader(config.store).current();
    if (blocklist.byCampaign.size === 0) return;
    const wellKnown = new Set<string>([
      ...ctx.org.domains.map(registrableDomain),
      ...ctx.org.partners.flatMap((p) => p.domains.map(registrableDomain)),
      ...ctx.brands.brands.flatMap((b) => b.domains),
    ]);
    const features = await extractFeatures(msg, { wellKnownDomains: wellKnown, images: blocklist.hasImages, mailFrom: msg.returnPath?.address });
    let best: { score: number; evidence: string } | null = null;
    for (const [id, c] of blocklist.byCampaign) {
      const hits = matchingIndicators(features.indicators, c.indicators, { text: config.textSimilarity, image: config.imageDistance });
      const link = linkScore(hits);
      if (!linked(link) || (best && best.score >= link.score)) continue;
      const shown = link.via.map((i) => `${KIND_LABEL[i.kind]} ${i.kind === 'text-minhash' || i.kind === 'image-phash' ? '(near-duplicate)' : i.value}`);
      best = { score: link.score, evidence: `matches contained campaign #${id} "${c.name}": ${shown.join(', ')}` };
    }
    if (best) emit('CAMPAIGN_BLOCKED_INDICATOR', best.evidence);
  },
});
