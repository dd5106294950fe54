import { workflows } from '../api-workflows.ts';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { CampaignStatusBadge } from '../components/WorkflowBadges.tsx';
import { fmtInt, fmtWhen } from '../format.ts';
import { Link, useLocation } from '../router.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';
import { StatusTabs } from '../components/StatusTabs.tsx';

const TABS = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'contained', label: 'Contained' },
  { id: 'closed', label: 'Closed' },
];

/** Phishing campaigns: messages grouped by the indicators they share, most recently active first. */
export function CampaignsPage() {
  const loc = useLocation();
  const filter = loc.query.get('status') ?? 'all';
  const list = useLoad(() => workflows.campaigns({ status: filter === 'all' ? undefined : filter, limit: 200 }), [filter]);
  return (
    <>
      <PageTitle title="Campaigns" actions={<Link to="/incidents">Incidents</Link>}>
        Campaigns
      </PageTitle>
      <p className="lead">Mail grouped by shared indicators: callback numbers, link domains, reply-to addresses, attachments, images and near-duplicate text. Contain a campaign to quarantine its later variants and pull delivered copies back.</p>
      <StatusTabs label="Show campaigns" path="/campaigns" tabs={TABS} current={filter} defaultId="all" />
      <ErrorBox error={list.error} title="The campaigns could not be loaded." />
      {list.loading && !list.data && <Loading what="Loading campaigns" />}
      {list.data && (
        <div className={`table-wrap ${list.loading ? 'stale' : ''}`}>
          <table className="data">
            <caption className="sr-only">Campaigns</caption>
            <TableHead
              columns={[
                'Campaign',
                'Status',
                { label: 'Messages', className: 'num' },
                { label: 'Mailboxes', className: 'num' },
                { label: 'Delivered copies', className: 'num' },
                { label: 'Reporters', className: 'num' },
                'Last seen',
              ]}
            />
            <tbody>
              {list.data.items.length === 0 && <EmptyRow colSpan={7}>No campaigns here.</EmptyRow>}
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <td className="subject">
                    <Link to={`/campaigns/${c.id}`}>
                      #{c.id} {c.name}
                    </Link>
                    {c.incidentId !== null && (
                      <div className="cell-sub">
                        <Link to={`/incidents/${c.incidentId}`}>incident #{c.incidentId}</Link>
                      </div>
                    )}
                  </td>
                  <td>
                    <div className="badges">
                      <CampaignStatusBadge status={c.status} blocked={c.blocked} />
                    </div>
                  </td>
                  <td className="num">{fmtInt(c.messages)}</td>
                  <td className="num">{fmtInt(c.recipients)}</td>
                  <td className="num">{fmtInt(c.delivered)}</td>
                  <td className="num">{fmtInt(c.reporters)}</td>
                  <td className="nowrap">{fmtWhen(c.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
