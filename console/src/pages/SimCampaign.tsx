import { useState } from 'react';
import { ApiFailure } from '../api.ts';
import { workflows } from '../api-workflows.ts';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SimStatusBadge } from '../components/WorkflowBadges.tsx';
import { fmtInt, fmtWhen, plural } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { TableHead } from '../components/TableHead.tsx';
import { LoadFailed } from '../components/LoadFailed.tsx';

const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
const OUTCOMES = ['opened', 'clicked', 'submitted', 'replied', 'reported'] as const;
const OUTCOME_LABEL: Record<string, string> = { opened: 'Opened', clicked: 'Clicked', submitted: 'Submitted data', replied: 'Replied', reported: 'Reported' };

/** A simulation's results: people's actions, with scanners and unconfirmed page loads reported apart. */
export function SimCampaignPage({ id }: { id: string }) {
  const session = useSession();
  const d = useLoad(() => workflows.simCampaign(id), [id]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (d.error) {
    return <LoadFailed page="Simulation" error={d.error} what="simulation" back={{ to: '/simulations', label: 'Back to simulations' }} />;
  }
  if (!d.data) return <Loading what="Loading the results" />;
  const { campaign: c, results: r } = d.data;
  const act = async (action: 'launch' | 'cancel' | 'finish', message: string) => {
    setError(null);
    try {
      await workflows.simAction(c.id, action);
      setDone(message);
      d.reload();
    } catch (err) {
      setError(err as ApiFailure);
    }
  };
  const reasons = Object.entries(r.scanners.byReason).sort((a, b) => b[1] - a[1]);

  return (
    <div className={d.loading ? 'stale' : undefined}>
      <p className="breadcrumb">
        <Link to="/simulations">Simulations</Link> <span aria-hidden="true">›</span> Results
      </p>
      <PageTitle title={`Simulation: ${c.name}`}>{c.name}</PageTitle>
      <div className="message-summary panel">
        <div className="badges large">
          <SimStatusBadge status={c.status} />
        </div>
        <dl className="kv">
          <div>
            <dt>Template</dt>
            <dd>{d.data.template?.name ?? `#${c.templateId}`}</dd>
          </div>
          <div>
            <dt>Sending</dt>
            <dd>
              {c.perMinute} a minute, {c.window.days.join(', ')} {c.window.start}–{c.window.end} ({c.window.timezone})
            </dd>
          </div>
          <div>
            <dt>Launched</dt>
            <dd>{c.launchedAt ? `${fmtWhen(c.launchedAt)} by ${c.createdBy}` : 'not yet'}</dd>
          </div>
          {c.closesAt && (
            <div>
              <dt>Landing pages close</dt>
              <dd>{fmtWhen(c.closesAt)}</dd>
            </div>
          )}
        </dl>
        {session.can('messages.act') && (
          <div className="form-actions">
            {c.status === 'draft' && (
              <button type="button" className="btn btn-primary" onClick={() => void act('launch', 'Launched: mail goes out in its sending window.')}>
                Launch
              </button>
            )}
            {['scheduled', 'sending'].includes(c.status) && (
              <button type="button" className="btn btn-danger" onClick={() => void act('cancel', 'Sending stopped.')}>
                Stop sending
              </button>
            )}
            {['sent', 'sending', 'scheduled'].includes(c.status) && (
              <button type="button" className="btn" onClick={() => void act('finish', 'The landing pages are closed.')}>
                Close landing pages
              </button>
            )}
          </div>
        )}
      </div>
      <ErrorBox error={error} />
      {done && <Notice kind="success">{done}</Notice>}

      <section className="panel" aria-labelledby="people-title" data-testid="people-results">
        <h2 id="people-title">What people did</h2>
        <p className="hint">
          Distinct recipients, of {fmtInt(r.recipients.delivered)} delivered ({fmtInt(r.recipients.total)} targeted, {fmtInt(r.recipients.pending)} waiting,{' '}
          {fmtInt(r.recipients.failed + r.recipients.bounced)} not delivered).
        </p>
        <div className="stats">
          {OUTCOMES.map((k) => (
            <div className="stat" key={k} data-testid={`people-${k}`}>
              <span>
                <span className="stat-value">{fmtInt(r.people[k])}</span>
                <span className="stat-label">{OUTCOME_LABEL[k]}</span>
                {k === 'clicked' && <span className="stat-detail">{pct(r.rates.clicked)} of delivered</span>}
                {k === 'submitted' && <span className="stat-detail">{pct(r.rates.submitted)} of delivered</span>}
                {k === 'reported' && <span className="stat-detail">{pct(r.rates.reported)} of delivered</span>}
              </span>
            </div>
          ))}
        </div>
      </section>

      <div className="grid-2">
        <section className="panel machines" aria-labelledby="scanner-title" data-testid="scanner-results">
          <h2 id="scanner-title">Scanners and link previews (not counted)</h2>
          <p>
            <strong>{plural(r.scanners.requests, 'request')}</strong> on the links of <strong>{plural(r.scanners.recipients, 'recipient')}</strong>{' '}
            {r.scanners.requests === 1 ? 'was' : 'were'} made by security scanners or previews, not people.
          </p>
          {reasons.length > 0 && (
            <ul className="bar-list">
              {reasons.map(([reason, n]) => (
                <li key={reason}>
                  <div className="bar-head">
                    <span>{reason}</span>
                    <span className="num">{fmtInt(n)}</span>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="unconf-title">
          <h2 id="unconf-title">Unconfirmed (not counted)</h2>
          <p>
            Landing pages of <strong>{plural(r.unconfirmed.recipients, 'recipient')}</strong> were opened with no sign of a scanner but no landing step either (
            {plural(r.unconfirmed.requests, 'request')}). Maybe a person, maybe not: these are not counted as clicks.
          </p>
        </section>
      </div>

      <section className="panel" aria-labelledby="dept-title">
        <h2 id="dept-title">By department</h2>
        <div className="table-wrap">
          <table className="data compact">
            <caption className="sr-only">People's actions by department</caption>
            <thead>
              <tr>
                <th scope="col">Department</th>
                <th scope="col" className="num">
                  Recipients
                </th>
                {OUTCOMES.map((k) => (
                  <th key={k} scope="col" className="num">
                    {OUTCOME_LABEL[k]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.departments.map((dep) => (
                <tr key={dep.department}>
                  <th scope="row">{dep.department || '—'}</th>
                  <td className="num">{fmtInt(dep.recipients)}</td>
                  {OUTCOMES.map((k) => (
                    <td key={k} className="num">
                      {fmtInt(dep[k])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel" aria-labelledby="rcpt-title">
        <h2 id="rcpt-title">Recipients</h2>
        <div className="table-wrap">
          <table className="data compact" data-testid="sim-recipients">
            <caption className="sr-only">Each recipient: delivery, what they did, and scanner requests apart</caption>
            <TableHead columns={['Person', 'Department', 'Delivery', 'What they did', { label: 'Scanner requests', className: 'num' }]} />
            <tbody>
              {r.recipientsDetail.map((p) => {
                const did = OUTCOMES.filter((k) => p.events[k] !== undefined);
                return (
                  <tr key={p.id}>
                    <td>
                      <div className="cell-main">
                        <Link to={`/training?person=${encodeURIComponent(p.email)}`}>{p.name || p.email}</Link>
                      </div>
                      <div className="cell-sub">{p.email}</div>
                    </td>
                    <td>{p.department}</td>
                    <td className="nowrap">
                      {p.state}
                      {p.deliveredAt !== null && <div className="cell-sub">{fmtWhen(new Date(p.deliveredAt).toISOString())}</div>}
                    </td>
                    <td>
                      <div className="badges">
                        {did.length === 0 && <span className="muted">nothing</span>}
                        {did.map((k) => (
                          <span key={k} className={`badge ${k === 'reported' ? 'status-released' : k === 'opened' ? 'status-deleted' : 'verdict-reject'}`}>
                            {OUTCOME_LABEL[k]}
                          </span>
                        ))}
                      </div>
                    </td>
                    <td className="num muted">{fmtInt(p.scannerRequests)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
