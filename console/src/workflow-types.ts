/*
 * Wire shapes of the verification, respond, simulation and training APIs as the console
 * reads them. The verify API publishes zod schemas (src/verify/api-schemas.ts) and the others
 * return their views (src/respond/views.ts, src/simulations/metrics.ts, src/training/service.ts),
 * but those modules import the server's store and Node types, which the console's browser
 * build cannot type-check; so the JSON forms (dates as ISO strings) are written out here.
 */

// ---- verification (src/verify/api-schemas.ts) ----

export interface TaskSummary {
  id: number;
  kind: 'inbound-request' | 'outbound-phi';
  status: string;
  party: string;
  parties: string[];
  claimed: string;
  asked: string[];
  reasons: { code: string; words: string }[];
  owner: string;
  dueAt: string;
  overdue: boolean;
  escalationLevel: number;
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
  messageAction: string;
  disposition: string | null;
  incidentId: string | null;
  campaignId: string | null;
  spoolId: string;
  quarantineId: string | null;
}

export interface TaskList {
  items: TaskSummary[];
  total: number;
  counts: { open: number; overdue: number; verified: number; failed: number; unreachable: number; cancelled: number };
}

export interface TaskDetail extends TaskSummary {
  numbersOfRecord: { e164: string; display: string; source: string; label: string }[];
  numbersInMail: { e164: string; display: string; raw: string; owner: string | null; unverified: boolean }[];
  requester: string;
  recipients: string[];
  relatedSpoolId: string | null;
  phoneUsed: string | null;
  messageStatus: string | null;
  subject: string | null;
  attestation: string | null;
  events: { at: string; actor: string; kind: string; summary: string }[];
  protocol: string[];
}

export interface CompleteResult {
  ok: boolean;
  message: string;
  blocked: string[];
  incidentId: string | null;
  task: TaskSummary;
}

export interface VerifiedContact {
  address: string;
  domain: string;
  verifiedAt: string;
  expiresAt: string;
  verifiedBy: string;
  taskId: number | null;
  phone: string | null;
  active: boolean;
}

export interface BlockEntry {
  id: number;
  kind: 'phone' | 'address';
  value: string;
  display: string;
  reason: string;
  taskId: number | null;
  campaignId: string | null;
  createdAt: string;
  createdBy: string;
  liftedAt: string | null;
}

// ---- respond (src/respond/views.ts) ----

export const INCIDENT_STATUSES = ['open', 'investigating', 'contained', 'resolved', 'false-positive'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Incident {
  id: number;
  kind: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  status: IncidentStatus;
  owner: string | null;
  title: string;
  createdAt: string;
  updatedAt: string;
  campaignId: number | null;
}

export interface IncidentList {
  total: number;
  counts: Record<IncidentStatus, number>;
  items: (Incident & { messages: number })[];
}

export interface Indicator {
  kind: string;
  value: string;
}

export interface MessageView {
  spoolId: string;
  receivedAt: string;
  origin: string;
  fromAddress: string;
  fromDomain: string;
  action: string;
  outcome: string;
  quarantineId: string | null;
  score: number;
  signals: { id: string; score: number }[];
  recipients: number;
  subject?: string;
  reporters: string[];
}

export interface RecipientView {
  mailbox: string;
  copies: number;
  delivered: number;
  removed: number;
  notFound: number;
  stopped: number;
  pending: number;
}

export interface Exposure {
  mailboxesReached: number;
  mailboxesStillExposed: number;
  recordsAtRisk: number;
  costLow: number;
  costHigh: number;
  blackMarketValue: number;
  assumptions: { recordsPerMailbox: number; costPerRecordLow: number; costPerRecordHigh: number; blackMarketPerRecord: number };
}

export interface UserReport {
  id: number;
  receivedAt: string;
  channel: string;
  reporter: string;
  verified: boolean;
  state: string;
  kind: string | null;
  spoolId: string | null;
  campaignId: number | null;
  incidentId: number | null;
  verdictAction: string | null;
  verdictScore: number | null;
  simulation: string | null;
  error: string | null;
}

export interface Pullback {
  id: number;
  campaignId: number | null;
  incidentId: number | null;
  actor: string;
  action: 'move' | 'delete';
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface PullbackSummary {
  pullback: Pullback;
  mailboxes: number;
  removed: number;
  notFound: number;
  errors: number;
  results: { mailbox: string; spoolId: string; outcome: 'removed' | 'not-found' | 'error'; found: number; folders: string[]; detail: string | null }[];
}

export interface TimelineEvent {
  id: number;
  at: string;
  actor: string;
  kind: string;
  summary: string;
  note: string | null;
}

export interface IncidentDetail {
  incident: Incident;
  timeline: TimelineEvent[];
  messages: MessageView[];
  recipients: RecipientView[];
  indicators: Indicator[];
  campaign: Campaign | null;
  reports: UserReport[];
  pullbacks: Pullback[];
  exposure: Exposure;
}

export interface Campaign {
  id: number;
  name: string;
  status: 'active' | 'contained' | 'closed';
  blocked: boolean;
  createdAt: string;
  updatedAt: string;
  firstSeen: string;
  lastSeen: string;
  containedAt: string | null;
  containedBy: string | null;
}

export interface CampaignListItem extends Campaign {
  messages: number;
  recipients: number;
  delivered: number;
  reporters: number;
  incidentId: number | null;
}

export interface CampaignIndicator extends Indicator {
  campaignId: number;
  digest: string;
  messages: number;
  specific: boolean;
  firstSeen: string;
  lastSeen: string;
}

export interface CampaignDetail {
  campaign: Campaign;
  incidentId: number | null;
  indicators: CampaignIndicator[];
  messages: MessageView[];
  variants: { from: string; messages: number; first: string; last: string }[];
  recipients: RecipientView[];
  timeline: { hour: string; delivered: number; quarantined: number; rejected: number; reported: number }[];
  reporters: { reporter: string; verified: boolean; at: string }[];
  reports: UserReport[];
  pullbacks: Pullback[];
  exposure: Exposure;
}

// ---- simulations (src/api/routes/simulation-routes.ts, src/simulations/metrics.ts) ----

export interface SimTemplateSummary {
  id: number;
  slug: string;
  name: string;
  tactic: string;
  module: string | null;
  description: string;
  source: string;
  builtin: boolean;
  archived: boolean;
  updatedAt: string;
}

export interface SimTemplatePreview {
  from: string;
  subject: string;
  html: string;
  text: string;
  landing: string;
  jit: string;
}

export interface SimCampaignSummary {
  id: number;
  name: string;
  templateId: number;
  status: string;
  perMinute: number;
  window: { timezone: string; days: string[]; start: string; end: string };
  startsAt: string | null;
  launchedAt: string | null;
  allSentAt: string | null;
  closesAt: string | null;
  finishedAt: string | null;
  createdBy: string;
  createdAt: string | null;
}

export interface OutcomeCounts {
  opened: number;
  clicked: number;
  submitted: number;
  replied: number;
  reported: number;
}

export interface SimCampaignListItem extends SimCampaignSummary {
  recipients: number;
  delivered: number;
  people: OutcomeCounts;
  scannerRequests: number;
}

export interface SimResults {
  recipients: { total: number; pending: number; sent: number; delivered: number; failed: number; bounced: number; cancelled: number };
  people: OutcomeCounts;
  rates: { clicked: number; submitted: number; reported: number };
  scanners: { requests: number; recipients: number; byReason: Record<string, number> };
  unconfirmed: { requests: number; recipients: number };
  departments: ({ department: string; recipients: number } & OutcomeCounts)[];
  recipientsDetail: {
    id: number;
    email: string;
    name: string;
    department: string;
    role: string;
    site: string;
    state: string;
    sentAt: number | null;
    deliveredAt: number | null;
    events: Partial<Record<string, number>>;
    scannerRequests: number;
    unconfirmedRequests: number;
  }[];
}

export interface SimCampaignDetail {
  campaign: SimCampaignSummary;
  template: { name: string; subject?: string; tactic?: string; module?: string } | null;
  audience: Record<string, unknown>;
  results: SimResults;
}

// ---- training (src/api/routes/training-routes.ts, src/training/service.ts) ----

export interface TrainingModuleSummary {
  id: string;
  title: string;
  minutes: number;
  summary: string;
  tactics: string[];
  questions: number;
}

export interface TrainingModule extends Omit<TrainingModuleSummary, 'questions'> {
  html: string;
  quiz: { q: string; options: string[]; answer: number; why?: string }[];
}

export interface Assignment {
  id: number;
  personId: number;
  email: string;
  module: string;
  reason: 'manual' | 'simulation';
  campaignId: number | null;
  assignedBy: string;
  assignedAt: string | null;
  dueAt: string | null;
  completedAt: string | null;
  bestScore: number | null;
  attempts: number;
  reminders: number;
  cancelledAt: string | null;
}

export interface RiskScore {
  score: number;
  parts: { label: string; points: number }[];
  exposure: number;
  level: 'low' | 'medium' | 'high';
}

export interface PersonRisk {
  email: string;
  name: string;
  department: string;
  role: string;
  site: string;
  phiAccess: string;
  risk: RiskScore;
  outcome: { clicked: number; submitted: number; replied: number; reported: number };
  modulesCompleted: number;
  assignmentsOpen: number;
  assignmentsOverdue: number;
}

export interface DepartmentReport {
  department: string;
  people: number;
  averageRisk: number;
  highRisk: number;
  clicked: number;
  submitted: number;
  reported: number;
  assignments: number;
  completed: number;
  overdue: number;
  completionRate: number | null;
}
