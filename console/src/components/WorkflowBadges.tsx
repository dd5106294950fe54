/*
 * Badges for verification tasks, incidents, campaigns and risk. They reuse the verdict and
 * status colours of styles.css (each pair checked for AA contrast there) and always carry
 * the state in words, never in colour alone.
 */

const TASK: Record<string, { label: string; cls: string }> = {
  open: { label: 'Open', cls: 'verdict-hold' },
  verified: { label: 'Verified', cls: 'status-released' },
  failed: { label: 'Failed', cls: 'verdict-reject' },
  unreachable: { label: 'Unreachable', cls: 'verdict-tag' },
  cancelled: { label: 'Cancelled', cls: 'status-deleted' },
};

export function TaskStatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  const t = TASK[status] ?? { label: status, cls: 'status-deleted' };
  return (
    <>
      <span className={`badge ${t.cls}`}>{t.label}</span>
      {overdue && <span className="badge verdict-quarantine">Overdue</span>}
    </>
  );
}

export const INCIDENT_STATUS_LABEL: Record<string, string> = {
  open: 'Open',
  investigating: 'Investigating',
  contained: 'Contained',
  resolved: 'Resolved',
  'false-positive': 'False positive',
};
const INCIDENT_CLS: Record<string, string> = { open: 'verdict-reject', investigating: 'verdict-hold', contained: 'verdict-quarantine', resolved: 'status-released', 'false-positive': 'status-deleted' };

export function IncidentStatusBadge({ status }: { status: string }) {
  return <span className={`badge ${INCIDENT_CLS[status] ?? 'status-deleted'}`}>{INCIDENT_STATUS_LABEL[status] ?? status}</span>;
}

const SEVERITY_CLS: Record<string, string> = { critical: 'feedback-phish', high: 'verdict-reject', medium: 'verdict-quarantine', low: 'verdict-tag' };

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge ${SEVERITY_CLS[severity] ?? 'status-deleted'}`}>{severity.charAt(0).toUpperCase() + severity.slice(1)}</span>;
}

const CAMPAIGN_CLS: Record<string, string> = { active: 'verdict-reject', contained: 'verdict-quarantine', closed: 'status-deleted' };

export function CampaignStatusBadge({ status, blocked }: { status: string; blocked?: boolean }) {
  return (
    <>
      <span className={`badge ${CAMPAIGN_CLS[status] ?? 'status-deleted'}`}>{status.charAt(0).toUpperCase() + status.slice(1)}</span>
      {blocked && <span className="badge verdict-hold">Indicators blocked</span>}
    </>
  );
}

const RISK_CLS: Record<string, string> = { high: 'verdict-reject', medium: 'verdict-tag', low: 'status-released' };

export function RiskBadge({ level, score }: { level: string; score: number }) {
  return (
    <span className={`badge ${RISK_CLS[level] ?? 'status-deleted'}`}>
      {Math.round(score)} · {level}
    </span>
  );
}

const SIM_CLS: Record<string, string> = { draft: 'status-deleted', scheduled: 'verdict-hold', sending: 'delivery-pending', sent: 'status-released', finished: 'status-deleted', cancelled: 'verdict-reject' };

export function SimStatusBadge({ status }: { status: string }) {
  return <span className={`badge ${SIM_CLS[status] ?? 'status-deleted'}`}>{status.charAt(0).toUpperCase() + status.slice(1)}</span>;
}
