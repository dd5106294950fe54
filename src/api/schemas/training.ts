import { z } from 'zod';
import { simEventKindSchema } from './simulations.ts';

/**
 * The training API's responses (src/api/routes/training-routes.ts). Zod only, no server
 * imports: the console type-checks its wire types against this module
 * (console/src/workflow-types.ts).
 */

export const trainingModuleSummarySchema = z.object({ id: z.string(), title: z.string(), minutes: z.number(), summary: z.string(), tactics: z.array(z.string()), questions: z.number() });
export const trainingModuleListSchema = z.array(trainingModuleSummarySchema);

export const quizQuestionSchema = z.object({ q: z.string(), options: z.array(z.string()), answer: z.number(), why: z.string().optional() });
export const trainingModuleSchema = trainingModuleSummarySchema.omit({ questions: true }).extend({ html: z.string(), quiz: z.array(quizQuestionSchema) });

const assignmentBase = {
  id: z.number(),
  personId: z.number(),
  email: z.string(),
  module: z.string(),
  reason: z.enum(['manual', 'simulation']),
  campaignId: z.number().nullable(),
  targetId: z.number().nullable(),
  assignedBy: z.string(),
  bestScore: z.number().nullable(),
  attempts: z.number(),
  reminders: z.number(),
};
const iso = z.string().nullable();
/** An assignment in the list: times as ISO strings. */
export const assignmentSchema = z.object({ ...assignmentBase, assignedAt: iso, dueAt: iso, completedAt: iso, notifiedAt: iso, lastRemindedAt: iso, cancelledAt: iso });
export const assignmentListSchema = z.object({ total: z.number(), items: z.array(assignmentSchema) });
/** An assignment as stored, in a person's record: times as epoch milliseconds. */
export const assignmentRecordSchema = z.object({
  ...assignmentBase,
  assignedAt: z.number(),
  dueAt: z.number(),
  completedAt: z.number().nullable(),
  notifiedAt: z.number().nullable(),
  lastRemindedAt: z.number().nullable(),
  cancelledAt: z.number().nullable(),
});

export const assignResultSchema = z.object({ assigned: z.number(), alreadyOpen: z.number() });
export const assignmentCancelledSchema = z.object({ id: z.number(), cancelled: z.literal(true) });

export const riskScoreSchema = z.object({
  score: z.number(),
  /** Each part's contribution before the exposure factor, for the explanation. */
  parts: z.array(z.object({ label: z.string(), points: z.number() })),
  exposure: z.number(),
  level: z.enum(['low', 'medium', 'high']),
});

export const phiAccessSchema = z.enum(['none', 'limited', 'full']);
export const simulationOutcomeSchema = z.object({ clicked: z.number(), submitted: z.number(), replied: z.number(), reported: z.number() });

/** Who a person is on the staff roster, as both person views show them. */
const staffMemberFields = {
  email: z.string(),
  name: z.string(),
  department: z.string(),
  role: z.string(),
  site: z.string(),
  phiAccess: phiAccessSchema,
};

export const personRiskSchema = z.object({
  ...staffMemberFields,
  risk: riskScoreSchema,
  outcome: simulationOutcomeSchema,
  modulesCompleted: z.number(),
  assignmentsOpen: z.number(),
  assignmentsOverdue: z.number(),
});
export const personRiskListSchema = z.array(personRiskSchema);

/** One person as the training service holds them (src/training/service.ts PersonRisk). */
export const personRecordSchema = z.object({
  ...staffMemberFields,
  source: z.enum(['directory', 'roster', 'both']),
  directoryId: z.string().nullable(),
  personId: z.number().nullable(),
  risk: riskScoreSchema,
  outcome: simulationOutcomeSchema,
  completed: z.number(),
  open: z.number(),
  overdue: z.number(),
});

export const personDetailSchema = z.object({
  person: personRecordSchema,
  assignments: z.array(assignmentRecordSchema),
  simulations: z.array(z.object({ campaign: z.number(), name: z.string(), sentAt: z.number().nullable(), events: z.partialRecord(simEventKindSchema, z.number()), scannerRequests: z.number() })),
});

export const departmentReportSchema = z.object({
  department: z.string(),
  people: z.number(),
  averageRisk: z.number(),
  highRisk: z.number(),
  clicked: z.number(),
  submitted: z.number(),
  reported: z.number(),
  assignments: z.number(),
  completed: z.number(),
  overdue: z.number(),
  /** completed / assignments (null when nothing was assigned). */
  completionRate: z.number().nullable(),
});
export const departmentReportListSchema = z.array(departmentReportSchema);

export const rosterImportResultSchema = z.object({ rows: z.number(), staff: z.number() });
