import { z } from 'zod';

/**
 * The API's request and response shapes: validated on the way in, serialized (unknown keys
 * stripped) on the way out, published in the OpenAPI document, and imported as types by the
 * console (console/src/api.ts), so the two cannot drift apart.
 */

export const errorSchema = z.object({ error: z.string(), details: z.array(z.string()).optional() });
export const okSchema = z.object({ ok: z.literal(true) });

export const roleSchema = z.enum(['admin', 'analyst', 'auditor', 'viewer']);

export const sessionInfoSchema = z.object({
  user: z.object({ name: z.string(), role: roleSchema, kind: z.enum(['user', 'token']), totpEnabled: z.boolean(), mustChangePassword: z.boolean() }),
  permissions: z.array(z.string()),
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
  orgName: z.string(),
});
export type SessionInfo = z.output<typeof sessionInfoSchema>;

export const loginSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z.string().max(16).optional(),
});

export const userSchema = z.object({
  name: z.string(),
  role: roleSchema,
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type UserInfo = z.output<typeof userSchema>;

export const tokenSchema = z.object({
  id: z.string(),
  label: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenInfo = z.output<typeof tokenSchema>;

export const signalRefSchema = z.object({ id: z.string(), score: z.number() });

export const messageSummarySchema = z.object({
  id: z.string(),
  quarantineId: z.string().nullable(),
  receivedAt: z.string(),
  origin: z.string(),
  from: z.string(),
  fromName: z.string().optional(),
  mailFrom: z.string(),
  recipients: z.array(z.string()),
  subject: z.string().optional(),
  action: z.string(),
  disposition: z.enum(['delivered', 'quarantined', 'rejected']),
  status: z.enum(['held', 'released', 'deleted', 'expired']).nullable(),
  score: z.number(),
  unscannable: z.boolean(),
  signals: z.array(signalRefSchema),
  size: z.number(),
  feedback: z.enum(['phish', 'not-phish']).nullable(),
});
export type MessageSummary = z.output<typeof messageSummarySchema>;

export const messageListSchema = z.object({
  items: z.array(messageSummarySchema),
  total: z.number(),
  truncated: z.boolean(),
  contentVisible: z.boolean(),
});
export type MessageList = z.output<typeof messageListSchema>;

/** `a,b,c` in a query string → a list of allowed values (an unknown one is a 400 naming it). */
const csv = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const messageQuerySchema = z.object({
  q: z.string().max(200).optional(),
  from: z.string().max(200).optional(),
  recipient: z.string().max(200).optional(),
  subject: z.string().max(200).optional(),
  verdict: csv(['deliver', 'tag', 'hold', 'quarantine', 'reject']).optional(),
  disposition: csv(['delivered', 'quarantined', 'rejected']).optional(),
  status: csv(['held', 'released', 'deleted', 'expired']).optional(),
  signal: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const signalDetailSchema = z.object({
  id: z.string(),
  score: z.number(),
  analyzer: z.string(),
  evidence: z.string().optional(),
  description: z.string(),
});

export const authSchema = z.object({
  source: z.string(),
  spf: z.object({ result: z.string(), domain: z.string(), comment: z.string().optional() }).nullable(),
  dkim: z.array(z.object({ result: z.string(), domain: z.string(), selector: z.string(), aligned: z.boolean(), comment: z.string().optional() })),
  dmarc: z.object({ result: z.string(), domain: z.string(), policy: z.string(), comment: z.string().optional() }).nullable(),
  arc: z.object({ result: z.string(), sealer: z.string().optional(), comment: z.string().optional() }).nullable(),
  header: z.string(),
});

export const deliverySchema = z.object({ recipient: z.string(), state: z.string(), attempts: z.number(), detail: z.string().nullable(), lastError: z.string().nullable() });

export const deliveryStatusSchema = z.object({
  id: z.string(),
  disposition: z.enum(['delivered', 'quarantined', 'rejected']),
  status: z.enum(['held', 'released', 'deleted', 'expired']).nullable(),
  statusAt: z.string().nullable(),
  statusBy: z.string().nullable(),
  deliveries: z.array(deliverySchema),
  releaseDelivery: z.object({ id: z.string(), deliveries: z.array(deliverySchema) }).nullable(),
});
export type DeliveryStatus = z.output<typeof deliveryStatusSchema>;

export const historySchema = z.object({ at: z.string(), actor: z.string(), action: z.string(), detail: z.record(z.string(), z.unknown()).nullable() });

export const feedbackSchema = z.object({ kind: z.enum(['phish', 'not-phish']), actor: z.string(), at: z.string(), note: z.string() });

export const messageDetailSchema = z.object({
  message: messageSummarySchema,
  envelope: z.object({ clientIp: z.string().nullable(), mailFrom: z.string(), recipients: z.array(z.string()) }),
  messageId: z.string().optional(),
  rules: z.array(z.string()),
  signals: z.array(signalDetailSchema),
  auth: authSchema.nullable(),
  quarantine: z
    .object({
      id: z.string(),
      status: z.string(),
      reason: z.string(),
      statusAt: z.string().nullable(),
      statusBy: z.string().nullable(),
      contentStored: z.boolean(),
      releaseRequests: z.array(z.object({ recipient: z.string(), requestedAt: z.string(), state: z.string() })),
      releaseDelivery: z.object({ id: z.string(), deliveries: z.array(deliverySchema) }).nullable(),
    })
    .nullable(),
  deliveries: z.array(deliverySchema),
  feedback: z.array(feedbackSchema),
  history: z.array(historySchema),
  contentVisible: z.boolean(),
  evidenceRetained: z.boolean(),
});
export type MessageDetail = z.output<typeof messageDetailSchema>;

export const photoMatchSchema = z.object({
  signal: z.string(),
  person: z.object({ id: z.string(), name: z.string(), organization: z.string(), photoIndex: z.number() }),
  mailImage: z.object({ description: z.string(), dataUri: z.string().nullable() }),
  evidence: z.string(),
});

export const messageContentSchema = z.object({
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
  preview: z.object({ document: z.string(), kind: z.enum(['html', 'text', 'empty']), links: z.number(), remoteImagesBlocked: z.number(), inlineImages: z.number() }),
  attachments: z.array(z.object({ filename: z.string(), declaredType: z.string(), sniffedType: z.string(), size: z.number() })),
  links: z.array(z.object({ href: z.string(), text: z.string(), host: z.string() })),
  photoMatches: z.array(photoMatchSchema),
  defects: z.array(z.string()),
});
export type MessageContent = z.output<typeof messageContentSchema>;

export const bulkActionSchema = z.object({
  ids: z.array(z.string().min(1).max(64)).min(1).max(500),
  action: z.enum(['release', 'delete', 'phish', 'not-phish']),
  note: z.string().max(2000).optional(),
});
export const bulkResultSchema = z.object({
  results: z.array(z.object({ id: z.string(), ok: z.boolean(), message: z.string() })),
  succeeded: z.number(),
  failed: z.number(),
});

export const actionResultSchema = z.object({ ok: z.boolean(), message: z.string(), delivery: z.string().optional() });

export const seriesPointSchema = z.object({ t: z.string(), deliver: z.number(), tag: z.number(), hold: z.number(), quarantine: z.number(), reject: z.number() });

export const dashboardSchema = z.object({
  range: z.object({ since: z.string(), until: z.string(), bucket: z.enum(['hour', 'day']) }),
  totals: z.object({ messages: z.number(), delivered: z.number(), tagged: z.number(), caught: z.number(), unscannable: z.number(), markedFalsePositive: z.number() }),
  series: z.array(seriesPointSchema),
  topSignals: z.array(z.object({ id: z.string(), description: z.string(), messages: z.number() })),
  campaigns: z.array(
    z.object({ key: z.string(), subject: z.string().optional(), messages: z.number(), recipients: z.number(), senderDomains: z.array(z.string()), firstSeen: z.string(), lastSeen: z.string(), topSignal: z.string() }),
  ),
  quarantine: z.object({ held: z.number(), released: z.number(), deleted: z.number(), expired: z.number(), heldBytes: z.number(), releaseRequests: z.number() }),
  exposure: z.object({
    attacksCaught: z.number(),
    recipients: z.number(),
    recordsAtRisk: z.number(),
    dollarsLow: z.number(),
    dollarsHigh: z.number(),
    assumptions: z.object({ recordsPerRecipient: z.number(), costPerRecordLow: z.number(), costPerRecordHigh: z.number(), spamOnlySignals: z.array(z.string()) }),
  }),
  gateway: z.record(z.string(), z.unknown()).nullable(),
});
export type Dashboard = z.output<typeof dashboardSchema>;

export const auditEntrySchema = z.object({ id: z.number(), at: z.string(), actor: z.string(), action: z.string(), target: z.string(), ip: z.string().nullable(), detail: z.record(z.string(), z.unknown()).nullable(), hash: z.string() });
export type AuditEntryInfo = z.output<typeof auditEntrySchema>;

export const auditQuerySchema = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  beforeId: z.coerce.number().int().min(1).optional(),
});

export const auditListSchema = z.object({ items: z.array(auditEntrySchema), actions: z.array(z.string()), chain: z.object({ ok: z.boolean(), checked: z.number(), head: z.string(), firstBroken: z.object({ id: z.number(), reason: z.string() }).optional() }).nullable() });

export const personSchema = z.object({
  id: z.string(),
  name: z.string(),
  credentials: z.array(z.string()),
  specialty: z.string(),
  npi: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  organization: z.string(),
  kind: z.enum(['internal', 'partner']),
  photos: z.number(),
});
export const directorySchema = z.object({
  source: z.object({ kind: z.enum(['store', 'file', 'none']), file: z.string().nullable(), importable: z.boolean(), note: z.string() }),
  persons: z.array(personSchema),
  total: z.number(),
  organizations: z.array(z.object({ name: z.string(), kind: z.enum(['org', 'partner']), domains: z.array(z.string()), phones: z.array(z.string()), aliases: z.array(z.string()) })),
  knownPhones: z.array(z.object({ e164: z.string(), label: z.string() })),
  nppes: z.boolean(),
});
export type DirectoryInfo = z.output<typeof directorySchema>;

export const directoryImportSchema = z.object({
  filename: z.string().regex(/^[^/\\]{1,200}\.(json|csv|ya?ml)$/i, 'a file name ending in .json, .csv, .yaml or .yml'),
  content: z.string().min(1).max(20 * 1024 * 1024),
  kind: z.enum(['internal', 'partner']).optional(),
  organization: z.string().max(200).optional(),
});
export const directoryImportResultSchema = z.object({ persons: z.number(), organizations: z.number(), knownPhones: z.number(), photos: z.number(), scannerReloaded: z.boolean(), message: z.string() });

const domainList = z.array(z.string().min(1).max(253)).max(500);
export const editableSettingsSchema = z.object({
  org: z.object({ name: z.string().max(200), domains: domainList, partners: z.array(z.object({ name: z.string().min(1).max(200), domains: domainList.min(1) })).max(200) }),
  policy: z.object({ thresholds: z.object({ tag: z.number(), quarantine: z.number(), reject: z.number() }) }),
  quarantine: z.object({ retentionDays: z.number().int() }),
  exposure: z.object({ recordsPerRecipient: z.number().int(), costPerRecordLow: z.number(), costPerRecordHigh: z.number() }),
  brandPack: z.object({ custom: z.boolean() }),
});
export type EditableSettings = z.output<typeof editableSettingsSchema>;

export const settingsSchema = z.object({
  values: editableSettingsSchema,
  brands: z.object({ source: z.string(), count: z.number(), names: z.array(z.string()) }),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
  liveReload: z.boolean(),
});
export type SettingsInfo = z.output<typeof settingsSchema>;

export const settingsUpdateSchema = editableSettingsSchema.partial().extend({
  /** A replacement brand pack (JSON text), or null to go back to the shipped one. */
  brandPackJson: z.string().max(5 * 1024 * 1024).nullable().optional(),
});
export const settingsResultSchema = z.object({ settings: settingsSchema, applied: z.array(z.string()), atRestart: z.array(z.string()), message: z.string() });

export const feedItemSchema = z.object({
  id: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  recipients: z.array(z.string()),
  action: z.string(),
  disposition: z.string(),
  score: z.number(),
  signals: z.array(z.string()),
  quarantineId: z.string().nullable(),
});
export type FeedItem = z.output<typeof feedItemSchema>;

/** A file download's body in the OpenAPI document (bytes, sent as they are: no serializer runs on a Buffer). */
export const binaryBodySchema = z.any().meta({ type: 'string', format: 'binary' });
