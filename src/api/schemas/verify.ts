import { z } from 'zod';

/**
 * The verification API's requests and responses (src/api/routes/verify-routes.ts). Zod only,
 * no server imports: the console type-checks its wire types against this module
 * (console/src/workflow-types.ts). The status and outcome lists mirror src/verify/store/tasks.ts;
 * verify-routes.ts fails to compile if they drift.
 */

export const taskStatusSchema = z.enum(['open', 'verified', 'failed', 'unreachable', 'cancelled']);
export const taskOutcomeSchema = z.enum(['verified', 'failed', 'unreachable']);
export const taskKindSchema = z.enum(['inbound-request', 'outbound-phi']);

const numberOfRecord = z.object({ e164: z.string(), display: z.string(), source: z.string(), label: z.string() });
/** A number from the message: `unverified` ones are shown struck through, never offered to call. */
const numberInMail = z.object({ e164: z.string(), display: z.string(), raw: z.string(), owner: z.string().nullable(), unverified: z.boolean() });

export const okMessageSchema = z.object({ ok: z.boolean(), message: z.string() });

export const taskSummarySchema = z.object({
  id: z.number(),
  kind: taskKindSchema,
  status: taskStatusSchema,
  party: z.string(),
  parties: z.array(z.string()),
  claimed: z.string(),
  asked: z.array(z.string()),
  reasons: z.array(z.object({ code: z.string(), words: z.string() })),
  owner: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  escalationLevel: z.number(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  completedBy: z.string().nullable(),
  messageAction: z.string(),
  disposition: z.string().nullable(),
  incidentId: z.string().nullable(),
  campaignId: z.string().nullable(),
  spoolId: z.string(),
  quarantineId: z.string().nullable(),
});

export const taskListSchema = z.object({
  items: z.array(taskSummarySchema),
  total: z.number(),
  counts: z.object({ open: z.number(), overdue: z.number(), verified: z.number(), failed: z.number(), unreachable: z.number(), cancelled: z.number() }),
});

export const taskDetailSchema = taskSummarySchema.extend({
  numbersOfRecord: z.array(numberOfRecord),
  numbersInMail: z.array(numberInMail),
  requester: z.string(),
  recipients: z.array(z.string()),
  relatedSpoolId: z.string().nullable(),
  phoneUsed: z.string().nullable(),
  /** The held message now: held, released, deleted (returned), expired; null when none was held. */
  messageStatus: z.string().nullable(),
  /** Only for callers who may read message content (the read is audited). */
  subject: z.string().nullable(),
  attestation: z.string().nullable(),
  events: z.array(z.object({ at: z.string(), actor: z.string(), kind: z.string(), summary: z.string() })),
  /** What the verifier must do, in order. */
  protocol: z.array(z.string()),
});

export const taskQuerySchema = z.object({
  status: taskStatusSchema.optional(),
  kind: taskKindSchema.optional(),
  owner: z.string().max(200).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const completeSchema = z.object({
  outcome: taskOutcomeSchema,
  attestation: z.string().min(1).max(4000),
  phoneUsed: z.string().max(40).optional(),
});

export const completeResultSchema = z.object({ ok: z.boolean(), message: z.string(), blocked: z.array(z.string()), incidentId: z.string().nullable(), task: taskSummarySchema });

export const assignSchema = z.object({ owner: z.string().min(1).max(200) });

export const contactSchema = z.object({
  address: z.string(),
  domain: z.string(),
  verifiedAt: z.string(),
  expiresAt: z.string(),
  verifiedBy: z.string(),
  taskId: z.number().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
});

export const addContactSchema = z.object({
  address: z.string().email(),
  phoneUsed: z.string().min(7).max(40),
  attestation: z.string().min(10).max(4000),
  days: z.number().int().min(1).max(3650).optional(),
});

export const blockedSchema = z.object({
  id: z.number(),
  kind: z.enum(['phone', 'address']),
  value: z.string(),
  display: z.string(),
  reason: z.string(),
  taskId: z.number().nullable(),
  campaignId: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  liftedAt: z.string().nullable(),
});

export const assignResultSchema = z.object({ id: z.number(), owner: z.string() });
export const contactListSchema = z.object({ items: z.array(contactSchema) });
export const blockedListSchema = z.object({ items: z.array(blockedSchema) });
export const listAllQuerySchema = z.object({ all: z.enum(['true', 'false']).optional() });

export type TaskSummary = z.output<typeof taskSummarySchema>;
export type TaskList = z.output<typeof taskListSchema>;
export type TaskDetail = z.output<typeof taskDetailSchema>;
export type CompleteResult = z.output<typeof completeResultSchema>;
export type VerifiedContactView = z.output<typeof contactSchema>;
export type BlockEntryView = z.output<typeof blockedSchema>;
