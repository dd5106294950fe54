import { workflows } from '../api-workflows.ts';
import { Addr } from '../components/Addr.tsx';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { TaskStatusBadge } from '../components/WorkflowBadges.tsx';
import { fmtInt, fmtWhen } from '../format.ts';
import { Link, useLocation } from '../router.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';
import { StatusTabs } from '../components/StatusTabs.tsx';

const FILTERS: { id: string; label: string }[] = [
  { id: 'open', label: 'Open' },
  { id: 'overdue', label: 'Overdue' },
  { id: 'verified', label: 'Verified' },
  { id: 'failed', label: 'Failed' },
  { id: 'unreachable', label: 'Unreachable' },
  { id: 'all', label: 'All' },
];

/** North American E.164 numbers as people write them; others as stored. */
export function fmtPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export const KIND_LABEL: Record<string, string> = { 'inbound-request': 'Inbound request', 'outbound-phi': 'Outbound PHI' };

/** The sender verification queue: open tasks first, by due time. */
export function VerificationPage() {
  const loc = useLocation();
  const filter = loc.query.get('status') ?? 'open';
  const list = useLoad(
    () => workflows.tasks(filter === 'overdue' ? { status: 'open', overdue: 'true' } : filter === 'all' ? {} : { status: filter }),
    [filter],
  );
  const counts = list.data?.counts;
  return (
    <>
      <PageTitle title="Verification queue" actions={<Link to="/verify/contacts">Verified contacts and blocked numbers</Link>}>
        Verification queue
      </PageTitle>
      <p className="lead">
        Requests for patient data, credentials or bank details from senders nobody has verified, and patient data going out to unverified recipients. Call the number of record,
        never the number in the email, and record what you found.
      </p>
      {counts && (
        <div className="stats">
          <div className="stat">
            <span>
              <span className="stat-value">{fmtInt(counts.open)}</span>
              <span className="stat-label">Open</span>
            </span>
          </div>
          <div className="stat">
            <span>
              <span className="stat-value">{fmtInt(counts.overdue)}</span>
              <span className="stat-label">Overdue</span>
            </span>
          </div>
          <div className="stat">
            <span>
              <span className="stat-value">{fmtInt(counts.verified)}</span>
              <span className="stat-label">Verified</span>
            </span>
          </div>
          <div className="stat">
            <span>
              <span className="stat-value">{fmtInt(counts.failed)}</span>
              <span className="stat-label">Failed (incident opened)</span>
            </span>
          </div>
        </div>
      )}
      <StatusTabs label="Show tasks" path="/verify" tabs={FILTERS} current={filter} defaultId="open" />
      <ErrorBox error={list.error} title="The queue could not be loaded." />
      {list.loading && !list.data && <Loading what="Loading the queue" />}
      {list.data && (
        <div className={`table-wrap ${list.loading ? 'stale' : ''}`}>
          <table className="data">
            <caption className="sr-only">Verification tasks, {FILTERS.find((f) => f.id === filter)?.label.toLowerCase()}</caption>
            <TableHead columns={['Task', 'Who must be verified', 'What was asked', { label: 'Owner', className: 'col-wide-only' }, 'Due', 'State']} />
            <tbody>
              {list.data.items.length === 0 && <EmptyRow colSpan={6}>No tasks here.</EmptyRow>}
              {list.data.items.map((t) => (
                <tr key={t.id}>
                  <td className="nowrap">
                    <Link to={`/verify/${t.id}`}>Task #{t.id}</Link>
                    <div className="cell-sub">{KIND_LABEL[t.kind] ?? t.kind}</div>
                  </td>
                  <td className="addr">
                    <Addr value={t.party} />
                    {t.claimed && <div className="cell-sub">presents as {t.claimed}</div>}
                  </td>
                  <td>{t.asked.join(', ')}</td>
                  <td className="col-wide-only">{t.owner}</td>
                  <td className="nowrap">
                    {t.status === 'open' ? fmtWhen(t.dueAt) : <span className="muted">done {fmtWhen(t.completedAt)}</span>}
                    {t.escalationLevel > 0 && <div className="cell-sub">escalated ×{t.escalationLevel}</div>}
                  </td>
                  <td>
                    <div className="badges">
                      <TaskStatusBadge status={t.status} overdue={t.overdue} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
