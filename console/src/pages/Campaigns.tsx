import { workflows } from '../api-workflows.ts';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { CampaignStatusBadge } from '../components/WorkflowBadges.tsx';
import { fmtInt, fmtWhen } from '../format.ts';
import { Link, useLocation } from '../router.tsx';
import { useLoad } from '../useLoad.ts';

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
      <nav className="tabs" aria-label="Show campaigns">
        {TABS.map((t) => (
          <Link key={t.id} to={t.id === 'all' ? '/campaigns' : `/campaigns?status=${t.id}`} aria-current={filter === t.id ? 'page' : undefined} className="tab">
            {t.label}
          </Link>
        ))}
      </nav>
      <ErrorBox error={list.error} title="The campaigns could not be loaded." />
      {list.loading && !list.data && <Loading what="Loading campaigns" />}
      {list.data && (
        <div className={`table-wrap ${list.loading ? 'stale' : ''}`}>
          <table className="data">
            <caption className="sr-only">Campaigns</caption>
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Messages
                </th>
                <th scope="col" className="num">
                  Mailboxes
                </th>
                <th scope="col" className="num">
                  Delivered copies
                </th>
                <th scope="col" className="num">
                  Reporters
                </th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.length === 0 && (
                <tr>
                  <td colSpan={7} className="empty">
                    No campaigns here.
                  </td>
                </tr>
              )}
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
