import { useState } from 'react';
import { api } from '../api.ts';
import { CaughtChart, VolumeChart } from '../components/Charts.tsx';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { fmtBytes, fmtDate, fmtInt, fmtUsd, fmtUsdCompact } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { TableHead } from '../components/TableHead.tsx';

const RANGES = [
  { id: '24h', label: 'Last 24 hours' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
];

function Stat({ label, value, detail, to }: { label: string; value: string; detail?: string; to?: string }) {
  const body = (
    <>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
      {detail && <span className="stat-detail">{detail}</span>}
    </>
  );
  return <div className="stat">{to ? <Link to={to}>{body}</Link> : body}</div>;
}

export function DashboardPage() {
  const session = useSession();
  const [range, setRange] = useState('7d');
  const { data: d, error, loading } = useLoad(() => api.dashboard(range), [range]);
  const rangeSince = d ? new Date(d.range.since).toISOString() : '';

  return (
    <>
      <PageTitle
        title="Dashboard"
        actions={
          <div className="field inline">
            <label htmlFor="dash-range">Period</label>
            <select id="dash-range" value={range} onChange={(e) => setRange(e.target.value)}>
              {RANGES.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </div>
        }
      >
        Dashboard
      </PageTitle>
      <ErrorBox error={error} title="The dashboard could not be loaded." />
      {loading && !d && <Loading />}
      {d && (
        <div className={loading ? 'stale' : undefined} aria-busy={loading}>
          <div className="stats" role="group" aria-label="Totals for the period">
            <Stat label="Inbound messages" value={fmtInt(d.totals.messages)} />
            <Stat label="Caught" value={fmtInt(d.totals.caught)} detail="held, quarantined or rejected" to={`/messages?verdict=hold,quarantine,reject&since=${encodeURIComponent(rangeSince)}`} />
            <Stat label="Delivered with warning" value={fmtInt(d.totals.tagged)} to={`/messages?verdict=tag&since=${encodeURIComponent(rangeSince)}`} />
            <Stat label="In quarantine now" value={fmtInt(d.quarantine.held)} detail={fmtBytes(d.quarantine.heldBytes)} to="/quarantine" />
            <Stat label="Release requests" value={fmtInt(d.quarantine.releaseRequests)} detail="open" />
            <Stat label="Marked false positive" value={fmtInt(d.totals.markedFalsePositive)} />
          </div>

          <div className="grid-2">
            <section className="panel" aria-labelledby="vol-title">
              <h2 id="vol-title">Mail volume by verdict</h2>
              <VolumeChart series={d.series} bucket={d.range.bucket} />
            </section>
            <section className="panel" aria-labelledby="caught-title">
              <h2 id="caught-title">Caught over time</h2>
              <CaughtChart series={d.series} bucket={d.range.bucket} />
            </section>
          </div>

          <section className="panel exposure" aria-labelledby="exp-title">
            <h2 id="exp-title">Exposure avoided</h2>
            <div className="exposure-figures">
              <div>
                <span className="big-number">{fmtInt(d.exposure.recordsAtRisk)}</span>
                <span className="stat-label">patient records that were within reach</span>
              </div>
              <div>
                <span className="big-number">
                  {fmtUsdCompact(d.exposure.dollarsLow)}–{fmtUsdCompact(d.exposure.dollarsHigh)}
                </span>
                <span className="stat-label">breach recovery cost avoided (estimate)</span>
              </div>
            </div>
            <div className="assumptions">
              <h3>How this is estimated</h3>
              <p>
                {fmtInt(d.exposure.attacksCaught)} attacks caught in the period reached {fmtInt(d.exposure.recipients)} recipient mailboxes. Each mailbox is assumed to reach{' '}
                <strong>{fmtInt(d.exposure.assumptions.recordsPerRecipient)} patient records</strong>, and each breached record to cost{' '}
                <strong>
                  {fmtUsd(d.exposure.assumptions.costPerRecordLow)}–{fmtUsd(d.exposure.assumptions.costPerRecordHigh)}
                </strong>{' '}
                to recover from.
              </p>
              <p className="muted">
                Counted: mail held, quarantined or rejected that was not marked a false positive and was not plain bulk spam (spam-only signals: {d.exposure.assumptions.spamOnlySignals.join(', ') || 'none'}).{' '}
                {session.can('settings.write') ? (
                  <Link to="/settings#exposure">Change the assumptions in Settings.</Link>
                ) : (
                  'An administrator can change these assumptions in Settings.'
                )}
              </p>
            </div>
          </section>

          <div className="grid-2">
            <section className="panel" aria-labelledby="sig-title">
              <h2 id="sig-title">Top signals</h2>
              {d.topSignals.length === 0 ? (
                <p className="muted">No signal fired on caught or tagged mail in this period.</p>
              ) : (
                <ol className="bar-list">
                  {d.topSignals.map((s) => {
                    const max = d.topSignals[0]!.messages || 1;
                    return (
                      <li key={s.id}>
                        <div className="bar-head">
                          <Link to={`/messages?signal=${encodeURIComponent(s.id)}&since=${encodeURIComponent(rangeSince)}`} className="signal-id">
                            {s.id}
                          </Link>
                          <span className="num">{fmtInt(s.messages)}</span>
                        </div>
                        <div className="bar" aria-hidden="true">
                          <span style={{ width: `${Math.max(2, (s.messages / max) * 100)}%` }} />
                        </div>
                        {s.description && <p className="bar-desc">{s.description}</p>}
                      </li>
                    );
                  })}
                </ol>
              )}
            </section>
            <div>
              <section className="panel" aria-labelledby="camp-title">
                <h2 id="camp-title">Campaigns</h2>
                {d.campaigns.length === 0 ? (
                  <p className="muted">No campaign (two or more caught messages alike) in this period.</p>
                ) : (
                  <div className="table-wrap">
                    <table className="data">
                      <TableHead columns={['Campaign', { label: 'Messages', className: 'num' }, { label: 'Recipients', className: 'num' }, 'Last seen']} />
                      <tbody>
                        {d.campaigns.map((c) => (
                          <tr key={c.key}>
                            <td>
                              <div className="cell-main">{c.subject || (session.can('messages.content') ? `From ${c.senderDomains.join(', ') || 'unknown senders'}` : 'Subject hidden for your role')}</div>
                              <div className="cell-sub">
                                {c.senderDomains.join(', ')} · mostly <span className="signal-id">{c.topSignal}</span>
                              </div>
                            </td>
                            <td className="num">{fmtInt(c.messages)}</td>
                            <td className="num">{fmtInt(c.recipients)}</td>
                            <td>{fmtDate(c.lastSeen)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
              <section className="panel" aria-labelledby="q-title">
                <h2 id="q-title">Quarantine</h2>
                <dl className="kv-inline">
                  <div>
                    <dt>Held now</dt>
                    <dd>
                      {fmtInt(d.quarantine.held)} ({fmtBytes(d.quarantine.heldBytes)})
                    </dd>
                  </div>
                  <div>
                    <dt>Released</dt>
                    <dd>{fmtInt(d.quarantine.released)}</dd>
                  </div>
                  <div>
                    <dt>Deleted</dt>
                    <dd>{fmtInt(d.quarantine.deleted)}</dd>
                  </div>
                  <div>
                    <dt>Expired</dt>
                    <dd>{fmtInt(d.quarantine.expired)}</dd>
                  </div>
                </dl>
              </section>
            </div>
          </div>
          <p className="muted small">
            {fmtDate(d.range.since)} – {fmtDate(d.range.until)}. Inbound mail only.
          </p>
        </div>
      )}
    </>
  );
}
