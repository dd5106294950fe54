import { useState, type FormEvent } from 'react';
import { ApiFailure } from '../api.ts';
import { workflows } from '../api-workflows.ts';
import { Addr } from '../components/Addr.tsx';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { TaskStatusBadge } from '../components/WorkflowBadges.tsx';
import { fmtDate, fmtDateSeconds } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import type { CompleteResult, TaskDetail } from '../workflow-types.ts';
import { fmtPhone, KIND_LABEL } from './Verification.tsx';
import { LoadFailed } from '../components/LoadFailed.tsx';

type Outcome = 'verified' | 'failed' | 'unreachable';

const OUTCOMES: { id: Outcome; label: string; what: string }[] = [
  { id: 'verified', label: 'Verified', what: 'The party confirmed the request on the number of record. The message is released and the address becomes a verified contact.' },
  { id: 'failed', label: 'Failed', what: 'The party did not send this, or could not confirm it. An incident is opened and the numbers and addresses are blocked.' },
  { id: 'unreachable', label: 'Unreachable', what: 'Nobody could be reached. Inbound mail stays held; outbound mail goes back to its sender.' },
];

const OTHER = 'other';

const SOURCE_LABEL: Record<string, string> = {
  directory: 'on record in our directory',
  partner: 'on record for a verified partner',
  'known-line': 'one of our own known lines',
  nppes: 'practice phone in NPPES',
  'brand-pack': 'the brand’s official number',
};

/** One verification task: whom to verify, what was asked, the number of record to call, and the outcome. */
export function VerificationTaskPage({ id }: { id: string }) {
  const session = useSession();
  const task = useLoad(() => workflows.task(id), [id]);
  const [result, setResult] = useState<CompleteResult | null>(null);

  if (task.error) {
    return <LoadFailed page="Verification task" error={task.error} what="task" back={{ to: '/verify', label: 'Back to the queue' }} />;
  }
  const t = task.data;
  if (!t) return <Loading what="Loading the task" />;
  const struck = t.numbersInMail.filter((n) => n.unverified);
  const canAct = session.can('messages.act');

  return (
    <div className={task.loading ? 'stale' : undefined}>
      <p className="breadcrumb">
        <Link to="/verify">Verification queue</Link> <span aria-hidden="true">›</span> Task #{t.id}
      </p>
      <PageTitle title={`Verification task #${t.id}`}>
        Verify <Addr value={t.party} />
      </PageTitle>
      <div className="badges large task-badges">
        <TaskStatusBadge status={t.status} overdue={t.overdue} />
        <span className="badge status-deleted">{KIND_LABEL[t.kind] ?? t.kind}</span>
        {t.messageStatus && <span className="muted small">Message: {t.messageStatus}</span>}
      </div>
      {result && (
        <Notice kind={result.task.status === 'failed' ? 'warning' : 'success'}>
          <strong>Recorded: {result.task.status}.</strong> {result.message}
          {result.incidentId && (
            <>
              {' '}
              <Link to={`/incidents/${result.incidentId}`}>Open incident #{result.incidentId}</Link>
            </>
          )}
        </Notice>
      )}

      <div className="grid-2">
        <section className="panel" aria-labelledby="who-title">
          <h2 id="who-title">Who must be verified</h2>
          <dl className="kv">
            <div>
              <dt>Address</dt>
              <dd className="addr">{t.parties.length ? t.parties.join(', ') : t.party}</dd>
            </div>
            {t.claimed && (
              <div>
                <dt>Presents as</dt>
                <dd>{t.claimed}</dd>
              </div>
            )}
            <div>
              <dt>{t.kind === 'outbound-phi' ? 'Sent by' : 'Sent to'}</dt>
              <dd className="addr">{t.kind === 'outbound-phi' ? t.requester : t.recipients.join(', ')}</dd>
            </div>
            <div>
              <dt>Owner</dt>
              <dd>{t.owner}</dd>
            </div>
            <div>
              <dt>Due</dt>
              <dd>
                {fmtDate(t.dueAt)}
                {t.escalationLevel > 0 && ` (escalated ${t.escalationLevel}×)`}
              </dd>
            </div>
            <div>
              <dt>Message</dt>
              <dd>
                <Link to={`/messages/${encodeURIComponent(t.spoolId)}`}>Open the message</Link>
              </dd>
            </div>
          </dl>
        </section>
        <section className="panel" aria-labelledby="asked-title">
          <h2 id="asked-title">What was asked</h2>
          {t.subject !== null && (
            <p>
              <span className="muted">Subject:</span> {t.subject || '(no subject)'}
            </p>
          )}
          <ul className="asked-list">
            {t.asked.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
          <h3>Why this needs a call</h3>
          <ul>
            {t.reasons.map((r) => (
              <li key={r.code + r.words}>{r.words}</li>
            ))}
          </ul>
        </section>
      </div>

      <section className="panel call-panel" aria-labelledby="call-title">
        <h2 id="call-title">Call the number of record</h2>
        {t.numbersOfRecord.length === 0 ? (
          <Notice kind="warning">
            No number is on record for this party. Look one up yourself (the organisation’s own website, NPPES, the insurer’s card), never from the email.
          </Notice>
        ) : (
          <ul className="record-numbers">
            {t.numbersOfRecord.map((n) => (
              <li key={n.e164 + n.source}>
                <a className="record-number" href={`tel:${n.e164}`} data-testid="number-of-record">
                  {n.display}
                </a>
                <span className="record-label">
                  {n.label} <span className="muted">· {SOURCE_LABEL[n.source] ?? `on record (${n.source})`}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
        {struck.length > 0 && (
          <div className="mail-numbers">
            <h3>Numbers from the email: do not call</h3>
            <ul>
              {struck.map((n) => (
                <li key={n.e164}>
                  <del className="unverified-number" data-testid="unverified-number">
                    {n.display}
                  </del>{' '}
                  <span className="badge verdict-reject">Unverified</span>
                  <span className="sr-only"> number from the email, do not call</span>
                  {n.owner && <span className="muted small"> claims to be {n.owner}</span>}
                </li>
              ))}
            </ul>
          </div>
        )}
        <h3>Protocol</h3>
        <ol className="protocol">
          {t.protocol.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ol>
      </section>

      {t.status === 'open' && canAct && <CompleteForm t={t} onDone={(r) => (setResult(r), task.reload())} />}
      {t.status !== 'open' && (
        <section className="panel" aria-labelledby="outcome-title">
          <h2 id="outcome-title">Outcome</h2>
          <dl className="kv">
            <div>
              <dt>Outcome</dt>
              <dd>
                <TaskStatusBadge status={t.status} />
              </dd>
            </div>
            <div>
              <dt>By</dt>
              <dd>
                {t.completedBy ?? '—'}, {fmtDate(t.completedAt)}
              </dd>
            </div>
            <div>
              <dt>Number called</dt>
              <dd>{t.phoneUsed ? fmtPhone(t.phoneUsed) : '—'}</dd>
            </div>
            {t.attestation !== null && (
              <div>
                <dt>Attestation</dt>
                <dd className="break">{t.attestation}</dd>
              </div>
            )}
            {t.incidentId && (
              <div>
                <dt>Incident</dt>
                <dd>
                  <Link to={`/incidents/${t.incidentId}`}>Incident #{t.incidentId}</Link>
                </dd>
              </div>
            )}
          </dl>
        </section>
      )}
      {t.status === 'open' && canAct && <AssignForm t={t} onDone={task.reload} />}

      <section className="panel" aria-labelledby="trail-title">
        <h2 id="trail-title">Trail</h2>
        <ol className="timeline">
          {t.events.map((e, i) => (
            <li key={i}>
              <span className="timeline-when">{fmtDateSeconds(e.at)}</span> <span className="timeline-actor">{e.actor}</span>
              <div>{e.summary}</div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function CompleteForm({ t, onDone }: { t: TaskDetail; onDone: (r: CompleteResult) => void }) {
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [phone, setPhone] = useState(t.numbersOfRecord[0]?.e164 ?? OTHER);
  const [otherPhone, setOtherPhone] = useState('');
  const [attestation, setAttestation] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const phoneUsed = phone === OTHER ? otherPhone.trim() : phone;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!outcome) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await workflows.completeTask(t.id, { outcome, attestation: attestation.trim(), ...(phoneUsed ? { phoneUsed } : {}) }));
    } catch (err) {
      setError(err as ApiFailure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel actions-panel" onSubmit={(e) => void submit(e)} aria-labelledby="complete-title">
      <h2 id="complete-title">Record the outcome of the call</h2>
      <ErrorBox error={error} title="The outcome was not recorded." />
      <fieldset className="outcome-choices">
        <legend>Outcome</legend>
        {OUTCOMES.map((o) => (
          <label key={o.id} className={`outcome-choice ${outcome === o.id ? 'chosen' : ''}`}>
            <input type="radio" name="outcome" value={o.id} checked={outcome === o.id} onChange={() => setOutcome(o.id)} />
            <span>
              <strong>{o.label}</strong>
              <span className="outcome-what">{o.what}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="field-row">
        <div className="field">
          <label htmlFor="phone-used">Number you called</label>
          <select id="phone-used" value={phone} onChange={(e) => setPhone(e.target.value)}>
            {t.numbersOfRecord.map((n) => (
              <option key={n.e164 + n.source} value={n.e164}>
                {n.display} — {n.label}
              </option>
            ))}
            <option value={OTHER}>Another number I looked up myself</option>
          </select>
        </div>
        {phone === OTHER && (
          <div className="field">
            <label htmlFor="phone-other">The number you looked up</label>
            <input id="phone-other" type="tel" value={otherPhone} onChange={(e) => setOtherPhone(e.target.value)} maxLength={40} aria-describedby="phone-other-hint" />
            <p className="hint" id="phone-other-hint">
              Not a number from the email: Medshield refuses those.
            </p>
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor="attestation">Attestation: what was confirmed, and by whom</label>
        <textarea id="attestation" rows={3} value={attestation} onChange={(e) => setAttestation(e.target.value)} maxLength={4000} required />
      </div>
      <div className="form-actions">
        <button type="submit" className={`btn ${outcome === 'failed' ? 'btn-danger' : 'btn-primary'}`} disabled={busy || !outcome || !attestation.trim()}>
          {busy ? 'Recording…' : 'Record outcome'}
        </button>
      </div>
    </form>
  );
}

function AssignForm({ t, onDone }: { t: TaskDetail; onDone: () => void }) {
  const [owner, setOwner] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await workflows.assignTask(t.id, owner.trim());
      setOwner('');
      onDone();
    } catch (err) {
      setError(err as ApiFailure);
    }
  };
  return (
    <section className="panel" aria-labelledby="assign-title">
      <h2 id="assign-title">Owner</h2>
      <ErrorBox error={error} title="The task was not reassigned." />
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="task-owner">Give this task to</label>
          <input id="task-owner" value={owner} onChange={(e) => setOwner(e.target.value)} maxLength={200} placeholder={t.owner} />
        </div>
        <button type="submit" className="btn" disabled={!owner.trim()}>
          Reassign
        </button>
      </form>
    </section>
  );
}
