import { workflows } from '../api-workflows.ts';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { INCIDENT_STATUS_LABEL, IncidentStatusBadge, SeverityBadge } from '../components/WorkflowBadges.tsx';
import { fmtInt, fmtWhen } from '../format.ts';
import { Link, useLocation } from '../router.tsx';
import { useLoad } from '../useLoad.ts';
import { INCIDENT_STATUSES } from '../workflow-types.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';
import { StatusTabs } from '../components/StatusTabs.tsx';

export const INCIDENT_KIND_LABEL: Record<string, string> = {
  verdict: 'High-severity verdict',
  report: 'User report',
  verification: 'Failed verification',
  campaign: 'Campaign',
  click: 'Click on a real phish',
};

/** Incidents, most recently changed first; "active" (open and investigating) by default. */
export function IncidentsPage() {
  const loc = useLocation();
  const filter = loc.query.get('status') ?? 'active';
  const list = useLoad(() => workflows.incidents({ status: filter === 'active' ? ['open', 'investigating'] : filter === 'all' ? undefined : filter, limit: 200 }), [filter]);
  const counts = list.data?.counts;
  const tabs = [{ id: 'active', label: 'Open and investigating' }, ...INCIDENT_STATUSES.map((s) => ({ id: s, label: INCIDENT_STATUS_LABEL[s]! })), { id: 'all', label: 'All' }];
  return (
    <>
      <PageTitle title="Incidents" actions={<Link to="/campaigns">Campaigns</Link>}>
        Incidents
      </PageTitle>
      <p className="lead">Opened by high-severity verdicts, users’ reports, failed verifications and campaigns. Each has an owner, a status, a timeline and its breach exposure.</p>
      <StatusTabs label="Show incidents" path="/incidents" tabs={tabs} current={filter} defaultId="active" counts={counts} />
      <ErrorBox error={list.error} title="The incidents could not be loaded." />
      {list.loading && !list.data && <Loading what="Loading incidents" />}
      {list.data && (
        <div className={`table-wrap ${list.loading ? 'stale' : ''}`}>
          <table className="data">
            <caption className="sr-only">Incidents</caption>
            <TableHead columns={['Incident', 'Severity', 'Status', 'Owner', { label: 'Messages', className: 'num' }, 'Updated']} />
            <tbody>
              {list.data.items.length === 0 && <EmptyRow colSpan={6}>No incidents here.</EmptyRow>}
              {list.data.items.map((i) => (
                <tr key={i.id}>
                  <td className="subject">
                    <Link to={`/incidents/${i.id}`}>
                      #{i.id} {i.title}
                    </Link>
                    <div className="cell-sub">
                      {INCIDENT_KIND_LABEL[i.kind] ?? i.kind}
                      {i.campaignId !== null && (
                        <>
                          {' '}
                          · <Link to={`/campaigns/${i.campaignId}`}>campaign #{i.campaignId}</Link>
                        </>
                      )}
                    </div>
                  </td>
                  <td>
                    <SeverityBadge severity={i.severity} />
                  </td>
                  <td>
                    <IncidentStatusBadge status={i.status} />
                  </td>
                  <td>{i.owner ?? <span className="muted">nobody</span>}</td>
                  <td className="num">{fmtInt(i.messages)}</td>
                  <td className="nowrap">{fmtWhen(i.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
