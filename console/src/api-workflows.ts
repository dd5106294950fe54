import { queryString, request } from './api.ts';
import type {
  AssignmentList,
  AssignResult,
  AssignTaskResult,
  Campaign,
  CampaignList,
  ContainResult,
  OkMessage,
  PurgeAccepted,
  SimCampaignSummary,
  TimelineEvent,
  CampaignDetail,
  CompleteResult,
  DepartmentReport,
  Incident,
  IncidentDetail,
  IncidentList,
  IncidentStatus,
  PersonRisk,
  PullbackSummary,
  SimCampaignDetail,
  SimCampaignListItem,
  SimTemplatePreview,
  SimTemplateSummary,
  TaskDetail,
  TaskList,
  TrainingModule,
  TrainingModuleSummary,
  VerifiedContact,
  BlockEntry,
} from './workflow-types.ts';

type Query = Record<string, string | number | boolean | undefined | null | string[]>;
const id = (v: string | number) => encodeURIComponent(String(v));

/** Verification queue, incidents and campaigns, simulations and training (docs/api.md, the routes' OpenAPI entries). */
export const workflows = {
  tasks: (q: Query) => request<TaskList>('GET', `/api/verify/tasks${queryString(q)}`),
  task: (taskId: string | number) => request<TaskDetail>('GET', `/api/verify/tasks/${id(taskId)}`),
  completeTask: (taskId: number, body: { outcome: 'verified' | 'failed' | 'unreachable'; attestation: string; phoneUsed?: string }) => request<CompleteResult>('POST', `/api/verify/tasks/${id(taskId)}/complete`, body),
  assignTask: (taskId: number, owner: string) => request<AssignTaskResult>('POST', `/api/verify/tasks/${id(taskId)}/assign`, { owner }),
  contacts: (all: boolean) => request<{ items: VerifiedContact[] }>('GET', `/api/verify/contacts${queryString({ all: all ? 'true' : undefined })}`),
  revokeContact: (address: string) => request<OkMessage>('DELETE', `/api/verify/contacts/${id(address)}`),
  blocked: (all: boolean) => request<{ items: BlockEntry[] }>('GET', `/api/verify/blocked${queryString({ all: all ? 'true' : undefined })}`),
  liftBlock: (blockId: number) => request<OkMessage>('DELETE', `/api/verify/blocked/${id(blockId)}`),

  incidents: (q: Query) => request<IncidentList>('GET', `/api/incidents${queryString(q)}`),
  incident: (incidentId: string | number, subjects: boolean) => request<IncidentDetail>('GET', `/api/incidents/${id(incidentId)}${queryString({ subjects: subjects ? 'true' : undefined })}`),
  changeIncident: (incidentId: number, change: { status?: IncidentStatus; owner?: string | null }) => request<Incident>('PATCH', `/api/incidents/${id(incidentId)}`, change),
  addNote: (incidentId: number, text: string) => request<TimelineEvent>('POST', `/api/incidents/${id(incidentId)}/notes`, { text }),
  campaigns: (q: Query) => request<CampaignList>('GET', `/api/campaigns${queryString(q)}`),
  campaign: (campaignId: string | number, subjects: boolean) => request<CampaignDetail>('GET', `/api/campaigns/${id(campaignId)}${queryString({ subjects: subjects ? 'true' : undefined })}`),
  containCampaign: (campaignId: number, pull: boolean) => request<ContainResult>('POST', `/api/campaigns/${id(campaignId)}/contain`, { pull }),
  releaseCampaign: (campaignId: number) => request<Campaign>('POST', `/api/campaigns/${id(campaignId)}/release`),
  purgeCampaign: (campaignId: number, action?: 'move' | 'delete') => request<PurgeAccepted>('POST', `/api/campaigns/${id(campaignId)}/purge`, action ? { action } : {}),
  pullback: (pullbackId: number) => request<PullbackSummary>('GET', `/api/pullbacks/${id(pullbackId)}`),

  simTemplates: () => request<SimTemplateSummary[]>('GET', '/api/simulations/templates'),
  simPreview: (templateId: number) => request<SimTemplatePreview>('POST', '/api/simulations/templates/preview', { id: templateId }),
  simCampaigns: () => request<SimCampaignListItem[]>('GET', '/api/simulations/campaigns'),
  simCampaign: (campaignId: string | number) => request<SimCampaignDetail>('GET', `/api/simulations/campaigns/${id(campaignId)}`),
  simAction: (campaignId: number, action: 'launch' | 'cancel' | 'finish') => request<SimCampaignSummary>('POST', `/api/simulations/campaigns/${id(campaignId)}/${action}`),

  modules: () => request<TrainingModuleSummary[]>('GET', '/api/training/modules'),
  module: (moduleId: string) => request<TrainingModule>('GET', `/api/training/modules/${id(moduleId)}`),
  assignments: (q: Query) => request<AssignmentList>('GET', `/api/training/assignments${queryString(q)}`),
  assign: (module: string, emails: string[], dueAt?: string) => request<AssignResult>('POST', '/api/training/assignments', { module, emails, ...(dueAt ? { dueAt } : {}) }),
  people: () => request<PersonRisk[]>('GET', '/api/training/people'),
  departments: () => request<DepartmentReport[]>('GET', '/api/training/departments'),
};

/** Downloads are plain links the browser follows with the session cookie (GET: no CSRF token needed). */
export const campaignExportUrl = (campaignId: number, format: 'stix' | 'misp') => `/api/campaigns/${id(campaignId)}/export?format=${format}`;
export const incidentReportUrl = (incidentId: number, format: 'markdown' | 'json') => `/api/incidents/${id(incidentId)}/report?format=${format}`;
export const trainingExportUrl = (kind: 'people' | 'departments' | 'assignments') => `/api/training/export?kind=${kind}`;
