import { z } from 'zod';

/**
 * The phishing-simulation API's responses (src/api/routes/simulation-routes.ts). Zod only, no
 * server imports: the console type-checks its wire types against this module
 * (console/src/workflow-types.ts). A template's definition and a campaign's audience are
 * validated on the way in by their own schemas (src/simulations/template.ts, audience.ts),
 * which read files and the directory and so cannot be imported here; on the way out they are
 * described as open objects so no key of theirs is stripped.
 */

/** The fields the console shows are typed; the rest of the definition passes through as it is. */
const definition = z
  .looseObject({ slug: z.string(), name: z.string(), tactic: z.string(), module: z.string().optional(), description: z.string(), subject: z.string() })
  .describe('a simulation template definition (docs/simulations.md)');
const audience = z.record(z.string(), z.unknown()).describe('the audience as saved: departments, roles, sites, emails, exclusions');

export const sendingWindowViewSchema = z.object({ timezone: z.string(), days: z.array(z.string()), start: z.string(), end: z.string() });

export const simStatusSchema = z.object({
  baseUrl: z.string(),
  senderDomain: z.string(),
  callbackNumber: z.string(),
  perMinute: z.number(),
  window: sendingWindowViewSchema,
  /** Refused bypass headers, by reason. */
  bypassRefusals: z.record(z.string(), z.number()),
});

export const simTemplateSummarySchema = z.object({
  id: z.number(),
  slug: z.string(),
  name: z.string(),
  tactic: z.string(),
  module: z.string().nullable(),
  description: z.string(),
  source: z.string(),
  builtin: z.boolean(),
  archived: z.boolean(),
  updatedAt: z.string(),
});
export const simTemplateListSchema = z.array(simTemplateSummarySchema);

export const simTemplateDetailSchema = z.object({ id: z.number(), source: z.string(), builtin: z.boolean(), archived: z.boolean(), createdBy: z.string(), template: definition });
export const simTemplateRefSchema = z.object({ id: z.number(), slug: z.string() });
export const simTemplateArchivedSchema = z.object({ id: z.number(), archived: z.boolean() });

export const simTemplatePreviewSchema = z.object({ from: z.string(), subject: z.string(), html: z.string(), text: z.string(), landing: z.string(), jit: z.string() });

export const defangReportSchema = z.object({
  links: z.number(),
  attachmentsRemoved: z.array(z.string()),
  remoteImagesRemoved: z.number(),
  imagesRemoved: z.number(),
  photosReplaced: z.number(),
  /** Directory clinicians whose photo the phish carried. */
  directoryPhotos: z.array(z.string()),
  namesReplaced: z.array(z.string()),
  phonesReplaced: z.number(),
  addressesReplaced: z.number(),
});
export const simFromQuarantineSchema = z.object({ template: definition, report: defangReportSchema, saved: simTemplateRefSchema.nullable() });

export const simAudienceMemberSchema = z.object({ email: z.string(), name: z.string(), department: z.string(), role: z.string(), site: z.string() });
export const simAudienceSchema = z.object({ count: z.number(), members: z.array(simAudienceMemberSchema), unknownEmails: z.array(z.string()) });

export const simCampaignStatusSchema = z.enum(['draft', 'scheduled', 'sending', 'sent', 'finished', 'cancelled']);

export const simCampaignSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  templateId: z.number(),
  status: simCampaignStatusSchema,
  perMinute: z.number(),
  window: sendingWindowViewSchema,
  startsAt: z.string().nullable(),
  launchedAt: z.string().nullable(),
  allSentAt: z.string().nullable(),
  closesAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string().nullable(),
});

export const outcomeCountsSchema = z.object({ opened: z.number(), clicked: z.number(), submitted: z.number(), replied: z.number(), reported: z.number() });

export const simCampaignListSchema = z.array(simCampaignSummarySchema.extend({ recipients: z.number(), delivered: z.number(), people: outcomeCountsSchema, scannerRequests: z.number() }));

export const simEventKindSchema = z.enum(['opened', 'clicked', 'submitted', 'replied', 'reported']);

export const simResultsSchema = z.object({
  campaign: z.object({ id: z.number(), name: z.string(), status: z.string() }),
  recipients: z.object({ total: z.number(), pending: z.number(), sent: z.number(), delivered: z.number(), failed: z.number(), bounced: z.number(), cancelled: z.number() }),
  /** What people did: distinct recipients per outcome. */
  people: outcomeCountsSchema,
  /** Shares of the delivered recipients (0–1). */
  rates: z.object({ clicked: z.number(), submitted: z.number(), reported: z.number() }),
  /** Machines: reported separately, never as failures. */
  scanners: z.object({ requests: z.number(), recipients: z.number(), byReason: z.record(z.string(), z.number()) }),
  /** Landing pages opened with no scanner evidence and no landing step: maybe a person, not counted. */
  unconfirmed: z.object({ requests: z.number(), recipients: z.number() }),
  departments: z.array(outcomeCountsSchema.extend({ department: z.string(), recipients: z.number() })),
  recipientsDetail: z.array(
    z.object({
      id: z.number(),
      email: z.string(),
      name: z.string(),
      department: z.string(),
      role: z.string(),
      site: z.string(),
      state: z.string(),
      sentAt: z.number().nullable(),
      deliveredAt: z.number().nullable(),
      /** Epoch milliseconds of each outcome. */
      events: z.partialRecord(simEventKindSchema, z.number()),
      scannerRequests: z.number(),
      unconfirmedRequests: z.number(),
    }),
  ),
});

export const simCampaignDetailSchema = z.object({ campaign: simCampaignSummarySchema, template: definition.nullable(), audience, results: simResultsSchema });

export const simHitSchema = z.object({
  id: z.number(),
  targetId: z.number(),
  email: z.string().nullable(),
  at: z.string(),
  kind: z.enum(['open', 'click', 'step', 'submit', 'beacon']),
  link: z.number(),
  method: z.string(),
  userAgent: z.string(),
  ip: z.string(),
  sinceDeliveryMs: z.number().nullable(),
  verdict: z.enum(['human', 'scanner', 'unconfirmed']),
  reasons: z.array(z.string()),
  /** Names of the form fields that had something in them (never what). */
  fields: z.array(z.string()).nullable(),
});
export const simHitListSchema = z.array(simHitSchema);
