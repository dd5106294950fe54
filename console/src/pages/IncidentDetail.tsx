import { useEffect, useState, type FormEvent } from 'react';
import { ApiFailure } from '../api.ts';
import { incidentReportUrl, workflows } from '../api-workflows.ts';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { ExposurePanel, IndicatorsTable, MessagesTable, RecipientsTable } from '../components/RespondParts.tsx';
import { CampaignStatusBadge, INCIDENT_STATUS_LABEL, IncidentStatusBadge, SeverityBadge } from '../components/WorkflowBadges.tsx';
import { fmtDate, fmtDateSeconds } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { INCIDENT_STATUSES, type IncidentStatus } from '../workflow-types.ts';
import { INCIDENT_KIND_LABEL } from './Incidents.tsx';
import { LoadFailed } from '../components/LoadFailed.tsx';

/** One incident: status, owner, notes and timeline; its messages, recipients, indicators and breach exposure. */
export function IncidentDetailPage({ id }: { id: string }) {
  const session = useSession();
  const content = session.can('messages.content');
  const canAct = session.can('messages.act');
  const d = useLoad(() => workflows.incident(id, content), [id, content]);
  const [status, setStatus] = useState<IncidentStatus>('open');
  const [owner, setOwner] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (d.data) {
      setStatus(d.data.incident.status);
      setOwner(d.data.incident.owner ?? '');
    }
  }, [d.data]);

  if (d.error) {
    return <LoadFailed page="Incident" error={d.error} what="incident" back={{ to: '/incidents', label: 'Back to incidents' }} />;
  }
  if (!d.data) return <Loading what="Loading the incident" />;
  const { incident: i, campaign } = d.data;

  const act = async (f: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await f();
      setDone(message);
      d.reload();
      return true;
    } catch (err) {
      setError(err as ApiFailure);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const saveState = (e: FormEvent) => {
    e.preventDefault();
    const change: { status?: IncidentStatus; owner?: string | null } = {};
    if (status !== i.status) change.status = status;
    if ((owner.trim() || null) !== i.owner) change.owner = owner.trim() || null;
    void act(() => workflows.changeIncident(i.id, change), 'Incident updated.');
  };
  const addNote = (e: FormEvent) => {
    e.preventDefault();
    void act(() => workflows.addNote(i.id, note.trim()), 'Note added.').then((ok) => ok && setNote(''));
  };
  const unchanged = status === i.status && (owner.trim() || null) === i.owner;

  return (
    <div className={d.loading ? 'stale' : undefined}>
      <p className="breadcrumb">
        <Link to="/incidents">Incidents</Link> <span aria-hidden="true">›</span> Incident #{i.id}
      </p>
      <PageTitle title={`Incident #${i.id}`}>
        #{i.id} {i.title}
      </PageTitle>
      <div className="message-summary panel">
        <div className="badges large">
          <SeverityBadge severity={i.severity} />
          <IncidentStatusBadge status={i.status} />
          <span className="badge status-deleted">{INCIDENT_KIND_LABEL[i.kind] ?? i.kind}</span>
        </div>
        <dl className="kv">
          <div>
            <dt>Owner</dt>
            <dd>{i.owner ?? 'nobody yet'}</dd>
          </div>
          <div>
            <dt>Opened</dt>
            <dd>{fmtDate(i.createdAt)}</dd>
          </div>
          <div>
            <dt>Last change</dt>
            <dd>{fmtDate(i.updatedAt)}</dd>
          </div>
          {campaign && (
            <div>
              <dt>Campaign</dt>
              <dd>
                <Link to={`/campaigns/${campaign.id}`}>
                  #{campaign.id} {campaign.name}
                </Link>{' '}
                <CampaignStatusBadge status={campaign.status} blocked={campaign.blocked} />
              </dd>
            </div>
          )}
          {content && (
            <div>
              <dt>Report</dt>
              <dd>
                <a href={incidentReportUrl(i.id, 'markdown')} download>
                  Incident report (Markdown)
                </a>{' '}
                ·{' '}
                <a href={incidentReportUrl(i.id, 'json')} download>
                  JSON
                </a>
              </dd>
            </div>
          )}
        </dl>
      </div>
      <ErrorBox error={error} title="That did not work." />
      {done && <Notice kind="success">{done}</Notice>}

      {canAct && (
        <div className="grid-2">
          <form className="panel actions-panel" onSubmit={saveState} aria-labelledby="state-title">
            <h2 id="state-title">Status and owner</h2>
            <div className="field-row">
              <div className="field">
                <label htmlFor="inc-status">Status</label>
                <select id="inc-status" value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)}>
                  {INCIDENT_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {INCIDENT_STATUS_LABEL[s]}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="inc-owner">Owner</label>
                <input id="inc-owner" value={owner} onChange={(e) => setOwner(e.target.value)} maxLength={100} placeholder="e.g. your name" />
              </div>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || unchanged}>
                Save
              </button>
              {!i.owner && (
                <button type="button" className="btn" disabled={busy} onClick={() => void act(() => workflows.changeIncident(i.id, { owner: session.info.user.name }), 'You own this incident now.')}>
                  Take it
                </button>
              )}
            </div>
          </form>
          <form className="panel" onSubmit={addNote} aria-labelledby="note-title">
            <h2 id="note-title">Add a note</h2>
            <div className="field">
              <label htmlFor="inc-note">Note (stored encrypted; may name patients)</label>
              <textarea id="inc-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={10000} />
            </div>
            <div className="form-actions">
              <button type="submit" className="btn" disabled={busy || !note.trim()}>
                Add note
              </button>
            </div>
          </form>
        </div>
      )}

      <ExposurePanel exposure={d.data.exposure} />

      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ol className="timeline" data-testid="incident-timeline">
          {d.data.timeline.map((e) => (
            <li key={e.id} className={e.note !== null ? 'timeline-note' : undefined}>
              <span className="timeline-when">{fmtDateSeconds(e.at)}</span> <span className="timeline-actor">{e.actor}</span>
              <div>{e.summary}</div>
              {e.note !== null && <blockquote className="note-text">{e.note}</blockquote>}
            </li>
          ))}
        </ol>
      </section>

      <section className="panel" aria-labelledby="msgs-title">
        <h2 id="msgs-title">Messages ({d.data.messages.length})</h2>
        <MessagesTable messages={d.data.messages} showSubjects={content} />
      </section>
      <section className="panel" aria-labelledby="rcpt-title">
        <h2 id="rcpt-title">Recipients ({d.data.recipients.length})</h2>
        <RecipientsTable recipients={d.data.recipients} />
      </section>
      <section className="panel" aria-labelledby="ind-title">
        <h2 id="ind-title">Indicators ({d.data.indicators.length})</h2>
        <IndicatorsTable indicators={d.data.indicators} />
      </section>
      {d.data.reports.length > 0 && (
        <section className="panel" aria-labelledby="reports-title">
          <h2 id="reports-title">Users’ reports ({d.data.reports.length})</h2>
          <ul>
            {d.data.reports.map((r) => (
              <li key={r.id}>
                {r.reporter} {r.verified ? '(verified)' : '(unverified)'}, {fmtDate(r.receivedAt)} — {r.state}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
