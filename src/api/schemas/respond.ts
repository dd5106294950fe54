import { z } from 'zod';

/**
 * The respond API's requests and responses (src/api/routes/respond-routes.ts): incidents,
 * campaigns, pull-backs and users' reports. Zod only, no server imports: the console
 * type-checks its wire types against this module (console/src/workflow-types.ts). The server
 * side holds Dates (`z.output`); the wire carries ISO strings (`z.input`), converted by the
 * `isoDate` codec when a response is serialized. The enum lists mirror the stores'
 * (src/respond/**); respond-routes.ts fails to compile if they drift.
 */

/** A Date on the server, an ISO 8601 string on the wire. */
export const isoDate = z.codec(z.iso.datetime(), z.date(), { decode: (s) => new Date(s), encode: (d) => d.toISOString() });

export const INCIDENT_STATUSES = ['open', 'investigating', 'contained', 'resolved', 'false-positive'] as const;
export const incidentStatusSchema = z.enum(INCIDENT_STATUSES);
export const incidentKindSchema = z.enum(['verdict', 'report', 'verification', 'campaign', 'click']);
export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);
export const campaignStatusSchema = z.enum(['active', 'contained', 'closed']);
export const indicatorKindSchema = z.enum(['sender-address', 'sender-domain', 'reply-to', 'return-path-domain', 'client-ip', 'phone', 'landing-domain', 'url', 'attachment-sha256', 'image-phash', 'face', 'text-minhash']);
export const messageOutcomeSchema = z.enum(['delivering', 'quarantined', 'rejected', 'reported']);
export const reportChannelSchema = z.enum(['gateway', 'imap', 'console']);
export const reportStateSchema = z.enum(['queued', 'done', 'unusable', 'failed']);
export const pullbackActionSchema = z.enum(['move', 'delete']);
export const pullbackStateSchema = z.enum(['running', 'done', 'failed']);
export const pullbackOutcomeSchema = z.enum(['removed', 'not-found', 'error']);

export const incidentSchema = z.object({
  id: z.number(),
  kind: incidentKindSchema,
  severity: severitySchema,
  status: incidentStatusSchema,
  owner: z.string().nullable(),
  title: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
  campaignId: z.number().nullable(),
});

export const incidentListSchema = z.object({
  total: z.number(),
  counts: z.record(incidentStatusSchema, z.number()),
  items: z.array(incidentSchema.extend({ messages: z.number() })),
});

export const timelineEventSchema = z.object({
  id: z.number(),
  at: isoDate,
  actor: z.string(),
  kind: z.string(),
  summary: z.string(),
  /** Analysts' notes (stored sealed); null for system events. */
  note: z.string().nullable(),
});

export const indicatorSchema = z.object({ kind: indicatorKindSchema, value: z.string() });

export const messageViewSchema = z.object({
  spoolId: z.string(),
  receivedAt: isoDate,
  origin: z.string(),
  fromAddress: z.string(),
  fromDomain: z.string(),
  action: z.string(),
  outcome: messageOutcomeSchema,
  quarantineId: z.string().nullable(),
  score: z.number(),
  signals: z.array(z.object({ id: z.string(), score: z.number() })),
  recipients: z.number(),
  /** Only when subjects were asked for by a role that reads content (audited). */
  subject: z.string().optional(),
  reporters: z.array(z.string()),
});

export const recipientViewSchema = z.object({
  mailbox: z.string(),
  copies: z.number(),
  delivered: z.number(),
  removed: z.number(),
  notFound: z.number(),
  /** Copies that never reached the mailbox (quarantined, rejected, bounced). */
  stopped: z.number(),
  pending: z.number(),
});

export const exposureSchema = z.object({
  mailboxesReached: z.number(),
  mailboxesStillExposed: z.number(),
  recordsAtRisk: z.number(),
  costLow: z.number(),
  costHigh: z.number(),
  blackMarketValue: z.number(),
  assumptions: z.object({ recordsPerMailbox: z.number(), costPerRecordLow: z.number(), costPerRecordHigh: z.number(), blackMarketPerRecord: z.number() }),
});

export const userReportSchema = z.object({
  id: z.number(),
  receivedAt: isoDate,
  channel: reportChannelSchema,
  reporter: z.string(),
  verified: z.boolean(),
  state: reportStateSchema,
  kind: z.string().nullable(),
  spoolId: z.string().nullable(),
  campaignId: z.number().nullable(),
  incidentId: z.number().nullable(),
  verdictAction: z.string().nullable(),
  verdictScore: z.number().nullable(),
  simulation: z.string().nullable(),
  replySpoolId: z.string().nullable(),
  error: z.string().nullable(),
  processedAt: isoDate.nullable(),
});

export const reportListSchema = z.object({ items: z.array(userReportSchema), total: z.number() });

export const pullbackSchema = z.object({
  id: z.number(),
  campaignId: z.number().nullable(),
  incidentId: z.number().nullable(),
  actor: z.string(),
  action: pullbackActionSchema,
  state: pullbackStateSchema,
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
  error: z.string().nullable(),
});

export const pullbackSummarySchema = z.object({
  pullback: pullbackSchema,
  mailboxes: z.number(),
  removed: z.number(),
  notFound: z.number(),
  errors: z.number(),
  results: z.array(z.object({ mailbox: z.string(), spoolId: z.string(), outcome: pullbackOutcomeSchema, found: z.number(), folders: z.array(z.string()), detail: z.string().nullable() })),
});

export const campaignSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: campaignStatusSchema,
  /** Future mail matching its specific indicators is quarantined. */
  blocked: z.boolean(),
  createdAt: isoDate,
  updatedAt: isoDate,
  firstSeen: isoDate,
  lastSeen: isoDate,
  containedAt: isoDate.nullable(),
  containedBy: z.string().nullable(),
});

export const campaignListSchema = z.object({
  total: z.number(),
  items: z.array(campaignSchema.extend({ messages: z.number(), recipients: z.number(), delivered: z.number(), reporters: z.number(), incidentId: z.number().nullable() })),
});

export const campaignIndicatorSchema = indicatorSchema.extend({
  campaignId: z.number(),
  digest: z.string(),
  messages: z.number(),
  specific: z.boolean(),
  firstSeen: isoDate,
  lastSeen: isoDate,
});

export const incidentDetailSchema = z.object({
  incident: incidentSchema,
  timeline: z.array(timelineEventSchema),
  messages: z.array(messageViewSchema),
  recipients: z.array(recipientViewSchema),
  indicators: z.array(indicatorSchema),
  campaign: campaignSchema.nullable(),
  reports: z.array(userReportSchema),
  pullbacks: z.array(pullbackSchema),
  exposure: exposureSchema,
});

export const campaignDetailSchema = z.object({
  campaign: campaignSchema,
  incidentId: z.number().nullable(),
  indicators: z.array(campaignIndicatorSchema),
  messages: z.array(messageViewSchema),
  /** Distinct senders (variants), with how many messages each. */
  variants: z.array(z.object({ from: z.string(), messages: z.number(), first: isoDate, last: isoDate })),
  recipients: z.array(recipientViewSchema),
  /** Messages per hour, by outcome. */
  timeline: z.array(z.object({ hour: z.string(), delivered: z.number(), quarantined: z.number(), rejected: z.number(), reported: z.number() })),
  reporters: z.array(z.object({ reporter: z.string(), verified: z.boolean(), at: isoDate })),
  reports: z.array(userReportSchema),
  pullbacks: z.array(pullbackSchema),
  exposure: exposureSchema,
});

export const containResultSchema = z.object({ campaign: campaignSchema, changed: z.boolean(), pullbackId: z.number().nullable(), pullbackAvailable: z.boolean() });
/** 202: the pull-back runs in the background; poll `status`. */
export const purgeAcceptedSchema = z.object({ pullbackId: z.number(), status: z.string() });

/** The STIX 2.1 bundle or MISP event (validated against STIX before it is sent); a download, described loosely. */
export const stixBundleSchema = z.looseObject({ type: z.literal('bundle'), id: z.string(), objects: z.array(z.looseObject({ type: z.string(), id: z.string() })) });
export const mispEventSchema = z.object({ Event: z.record(z.string(), z.unknown()) });

export type IncidentView = z.output<typeof incidentSchema>;
export type IncidentDetailView = z.output<typeof incidentDetailSchema>;
export type CampaignDetailView = z.output<typeof campaignDetailSchema>;
export type MessageViewOut = z.output<typeof messageViewSchema>;
export type RecipientViewOut = z.output<typeof recipientViewSchema>;
