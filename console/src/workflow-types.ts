/*
 * Wire shapes of the verification, respond, simulation and training APIs as the console
 * reads them: the JSON side (`z.input`: dates as ISO strings) of the routes' zod schemas in
 * src/api/schemas/, which import nothing but zod so the console's browser build can check them.
 */
import type { z } from 'zod';
import type * as respond from '../../src/api/schemas/respond.ts';
import type * as simulations from '../../src/api/schemas/simulations.ts';
import type * as training from '../../src/api/schemas/training.ts';
import type * as verify from '../../src/api/schemas/verify.ts';

// ---- verification (src/api/schemas/verify.ts) ----

export type AssignTaskResult = z.input<typeof verify.assignResultSchema>;
export type OkMessage = z.input<typeof verify.okMessageSchema>;
export type TaskSummary = z.input<typeof verify.taskSummarySchema>;
export type TaskList = z.input<typeof verify.taskListSchema>;
export type TaskDetail = z.input<typeof verify.taskDetailSchema>;
export type CompleteResult = z.input<typeof verify.completeResultSchema>;
export type VerifiedContact = z.input<typeof verify.contactSchema>;
export type BlockEntry = z.input<typeof verify.blockedSchema>;

// ---- respond (src/api/schemas/respond.ts) ----

export { INCIDENT_STATUSES } from '../../src/api/schemas/respond.ts';
export type IncidentStatus = z.input<typeof respond.incidentStatusSchema>;
export type Incident = z.input<typeof respond.incidentSchema>;
export type IncidentList = z.input<typeof respond.incidentListSchema>;
export type Indicator = z.input<typeof respond.indicatorSchema>;
export type MessageView = z.input<typeof respond.messageViewSchema>;
export type RecipientView = z.input<typeof respond.recipientViewSchema>;
export type Exposure = z.input<typeof respond.exposureSchema>;
export type UserReport = z.input<typeof respond.userReportSchema>;
export type Pullback = z.input<typeof respond.pullbackSchema>;
export type PullbackSummary = z.input<typeof respond.pullbackSummarySchema>;
export type TimelineEvent = z.input<typeof respond.timelineEventSchema>;
export type IncidentDetail = z.input<typeof respond.incidentDetailSchema>;
export type Campaign = z.input<typeof respond.campaignSchema>;
export type CampaignList = z.input<typeof respond.campaignListSchema>;
export type CampaignListItem = z.input<typeof respond.campaignListSchema>['items'][number];
export type CampaignIndicator = z.input<typeof respond.campaignIndicatorSchema>;
export type CampaignDetail = z.input<typeof respond.campaignDetailSchema>;
export type ContainResult = z.input<typeof respond.containResultSchema>;
export type PurgeAccepted = z.input<typeof respond.purgeAcceptedSchema>;

// ---- simulations (src/api/schemas/simulations.ts) ----

export type SimTemplateSummary = z.input<typeof simulations.simTemplateSummarySchema>;
export type SimTemplatePreview = z.input<typeof simulations.simTemplatePreviewSchema>;
export type SimCampaignSummary = z.input<typeof simulations.simCampaignSummarySchema>;
export type OutcomeCounts = z.input<typeof simulations.outcomeCountsSchema>;
export type SimCampaignListItem = z.input<typeof simulations.simCampaignListSchema>[number];
export type SimResults = z.input<typeof simulations.simResultsSchema>;
export type SimCampaignDetail = z.input<typeof simulations.simCampaignDetailSchema>;

// ---- training (src/api/schemas/training.ts) ----

export type TrainingModuleSummary = z.input<typeof training.trainingModuleSummarySchema>;
export type TrainingModule = z.input<typeof training.trainingModuleSchema>;
export type Assignment = z.input<typeof training.assignmentSchema>;
export type RiskScore = z.input<typeof training.riskScoreSchema>;
export type PersonRisk = z.input<typeof training.personRiskSchema>;
export type DepartmentReport = z.input<typeof training.departmentReportSchema>;
export type AssignmentList = z.input<typeof training.assignmentListSchema>;
export type AssignResult = z.input<typeof training.assignResultSchema>;
