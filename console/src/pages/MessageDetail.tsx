import { useEffect, useRef, useState } from 'react';
import { ApiFailure, api, type MessageContent, type MessageDetail } from '../api.ts';
import { FeedbackBadge, ScoreBadge, StatusBadge, VerdictBadge } from '../components/Badges.tsx';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SafePreview } from '../components/SafePreview.tsx';
import { fmtBytes, fmtDate, fmtDateSeconds, fmtScore, STATUS_LABEL, VERDICT_LABEL } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { TableHead } from '../components/TableHead.tsx';
import { ConfirmPanel } from '../components/ConfirmPanel.tsx';
import { LoadFailed } from '../components/LoadFailed.tsx';

type Action = 'release' | 'delete' | 'phish' | 'not-phish';

const ACTION_TEXT: Record<Action, { label: string; confirm: string; danger?: boolean }> = {
  release: { label: 'Release to recipients', confirm: 'Release this message to its recipients? Only do this once you have checked it is safe; it is delivered once and the release is audited.' },
  delete: { label: 'Delete', danger: true, confirm: 'Delete the content of this message for good? Its record and audit trail stay.' },
  phish: { label: 'Confirm phish', confirm: 'Confirm this message is phishing? The sender is put on record as reported, which raises the score of their future mail.' },
  'not-phish': { label: 'Mark false positive', confirm: 'Mark this message as a false positive? The sender is put on record as legitimate, which lowers the score of their future mail.' },
};

const OPEN_DELIVERY = new Set(['waiting', 'pending']);
const MAX_POLLS = 6;

function authClass(result: string): string {
  const r = result.toLowerCase();
  if (r === 'pass') return 'auth-pass';
  if (['fail', 'softfail', 'permerror'].includes(r)) return 'auth-fail';
  return 'auth-neutral';
}

export function MessageDetailPage({ id }: { id: string }) {
  const session = useSession();
  const { data: d, error, loading, reload } = useLoad(() => api.message(id), [id]);
  const [content, setContent] = useState<MessageContent | null>(null);
  const [contentError, setContentError] = useState<ApiFailure | null>(null);
  const [contentLoading, setContentLoading] = useState(false);

  // A release is delivered in the background: look again until every delivery has settled,
  // backing off, and not for ever (each look is a message view in the audit log).
  const releasing = (d?.quarantine?.releaseDelivery?.deliveries ?? []).some((x) => OPEN_DELIVERY.has(x.state)) || (d?.quarantine?.status === 'released' && !d.quarantine.releaseDelivery?.deliveries.length);
  const polls = useRef(0);
  useEffect(() => {
    if (!releasing || polls.current >= MAX_POLLS) return;
    const t = setTimeout(() => {
      polls.current++;
      reload();
    }, Math.min(1500 * 2 ** polls.current, 10_000));
    return () => clearTimeout(t);
  }, [releasing, d, reload]);

  const loadContent = async () => {
    setContentLoading(true);
    setContentError(null);
    try {
      setContent(await api.content(id));
    } catch (err) {
      setContentError(err as ApiFailure);
    } finally {
      setContentLoading(false);
    }
  };

  if (error) {
    return <LoadFailed page="Message" error={error} what="message" back={{ to: '/messages', label: 'Back to messages' }} />;
  }
  if (!d) return <Loading what="Loading the message" />;

  const m = d.message;
  const title = d.contentVisible ? m.subject || '(no subject)' : `Message from ${m.from || m.mailFrom || 'an unknown sender'}`;
  const q = d.quarantine;
  const canContent = session.can('messages.content') && !!q && q.contentStored;

  return (
    <div className={loading ? 'stale' : undefined}>
      <p className="breadcrumb">
        <Link to={m.quarantineId ? '/quarantine' : '/messages'}>{m.quarantineId ? 'Quarantine' : 'Messages'}</Link> <span aria-hidden="true">›</span> Message
      </p>
      <PageTitle title={d.contentVisible ? 'Message' : title}>{title}</PageTitle>
      <div className="message-summary panel">
        <div className="badges large">
          <VerdictBadge action={m.action} long />
          {q && <StatusBadge status={q.status} />}
          <FeedbackBadge kind={m.feedback} />
          {m.unscannable && <span className="badge verdict-reject">Could not be scanned</span>}
          <span className="score-label">
            Score <ScoreBadge score={m.score} />
          </span>
        </div>
        <dl className="kv">
          <div>
            <dt>From</dt>
            <dd>
              {d.contentVisible && m.fromName ? `${m.fromName} ` : ''}
              <span className="addr">&lt;{m.from || '—'}&gt;</span>
            </dd>
          </div>
          <div>
            <dt>To</dt>
            <dd className="addr">{m.recipients.join(', ')}</dd>
          </div>
          <div>
            <dt>Received</dt>
            <dd>{fmtDateSeconds(m.receivedAt)}</dd>
          </div>
          <div>
            <dt>Verdict</dt>
            <dd>
              {VERDICT_LABEL[m.action] ?? m.action}
              {q && q.reason && q.reason !== m.action && <> · {q.reason}</>}
            </dd>
          </div>
        </dl>
      </div>

      {session.can('messages.act') && <Actions d={d} onDone={reload} />}
      {!d.contentVisible && (
        <Notice>Your role sees the verdict and the signals that fired, but not the message content or the evidence quoted from it.</Notice>
      )}

      <section className="panel" aria-labelledby="why-title">
        <h2 id="why-title">Why Medshield decided this</h2>
        {d.rules.length > 0 && (
          <div className="rules">
            <h3>Rules that applied</h3>
            <ul>
              {d.rules.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          </div>
        )}
        {d.signals.length === 0 ? (
          <p className="muted">No signal fired.</p>
        ) : (
          <ul className="signal-list">
            {d.signals.map((s) => (
              <li key={s.id} className={s.score > 0 ? 'signal-bad' : s.score < 0 ? 'signal-good' : 'signal-zero'}>
                <div className="signal-head">
                  <span className="signal-id">{s.id}</span>
                  <span className="signal-score" aria-label={`score ${fmtScore(s.score)}`}>
                    {s.score > 0 ? '+' : ''}
                    {fmtScore(s.score)}
                  </span>
                </div>
                {s.description && <p className="signal-desc">{s.description}</p>}
                {s.evidence && (
                  <p className="signal-evidence">
                    <span className="evidence-label">Evidence:</span> {s.evidence}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
        {d.contentVisible && !d.evidenceRetained && <p className="muted small">The detailed evidence of this message is past its retention and no longer kept.</p>}
      </section>

      <div className="grid-2">
        <section className="panel" aria-labelledby="auth-title">
          <h2 id="auth-title">Authentication</h2>
          {!d.auth ? (
            <p className="muted">No authentication results on record.</p>
          ) : (
            <>
              <table className="data compact">
                <tbody>
                  <tr>
                    <th scope="row">SPF</th>
                    <td>{d.auth.spf ? <AuthResult result={d.auth.spf.result} detail={`${d.auth.spf.domain}${d.auth.spf.comment ? ` — ${d.auth.spf.comment}` : ''}`} /> : <span className="muted">not checked</span>}</td>
                  </tr>
                  <tr>
                    <th scope="row">DKIM</th>
                    <td>
                      {d.auth.dkim.length === 0 ? (
                        <span className="muted">no signature</span>
                      ) : (
                        d.auth.dkim.map((k, i) => (
                          <div key={i}>
                            <AuthResult result={k.result} detail={`${k.domain}${k.selector ? ` (selector ${k.selector})` : ''}${k.aligned ? ', aligned with From' : ', not aligned with From'}${k.comment ? ` — ${k.comment}` : ''}`} />
                          </div>
                        ))
                      )}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">DMARC</th>
                    <td>{d.auth.dmarc ? <AuthResult result={d.auth.dmarc.result} detail={`${d.auth.dmarc.domain}, policy ${d.auth.dmarc.policy || 'none'}${d.auth.dmarc.comment ? ` — ${d.auth.dmarc.comment}` : ''}`} /> : <span className="muted">not checked</span>}</td>
                  </tr>
                  <tr>
                    <th scope="row">ARC</th>
                    <td>{d.auth.arc ? <AuthResult result={d.auth.arc.result} detail={d.auth.arc.sealer ?? ''} /> : <span className="muted">none</span>}</td>
                  </tr>
                </tbody>
              </table>
              {d.auth.header && (
                <details>
                  <summary>Authentication-Results header</summary>
                  <pre className="raw">{d.auth.header}</pre>
                </details>
              )}
            </>
          )}
        </section>
        <section className="panel" aria-labelledby="env-title">
          <h2 id="env-title">Envelope</h2>
          <dl className="kv">
            <div>
              <dt>Client IP</dt>
              <dd className="mono">{d.envelope.clientIp ?? '—'}</dd>
            </div>
            <div>
              <dt>MAIL FROM</dt>
              <dd className="addr">{d.envelope.mailFrom || '<> (null sender)'}</dd>
            </div>
            <div>
              <dt>RCPT TO</dt>
              <dd className="addr">{d.envelope.recipients.join(', ')}</dd>
            </div>
            {d.messageId !== undefined && (
              <div>
                <dt>Message-ID</dt>
                <dd className="mono break">{d.messageId || '—'}</dd>
              </div>
            )}
            <div>
              <dt>Size</dt>
              <dd>{fmtBytes(m.size)}</dd>
            </div>
            <div>
              <dt>Came in as</dt>
              <dd>{m.origin}</dd>
            </div>
            <div>
              <dt>Reference</dt>
              <dd className="mono">
                {m.id}
                {m.quarantineId ? ` · quarantine ${m.quarantineId}` : ''}
              </dd>
            </div>
          </dl>
        </section>
      </div>

      <Deliveries d={d} onRefresh={reload} />

      {session.can('messages.content') && (
        <section className="panel" aria-labelledby="content-title">
          <h2 id="content-title">Message content</h2>
          {!q ? (
            <p className="muted">Medshield keeps the content of held and quarantined mail only; this message was {m.disposition}, so only its verdict is on record.</p>
          ) : !q.contentStored ? (
            <p className="muted">The content of this message was deleted or has expired.</p>
          ) : !content ? (
            <>
              <p>Opening the content is recorded in the audit log under your name.</p>
              <ErrorBox error={contentError} title="The content could not be opened." />
              <button type="button" className="btn btn-primary" onClick={() => void loadContent()} disabled={contentLoading || !canContent}>
                {contentLoading ? 'Opening…' : 'Show message content'}
              </button>
              {session.can('messages.raw') && (
                <a className="btn" href={`/api/messages/${encodeURIComponent(m.id)}/raw`} download>
                  Download original (.eml)
                </a>
              )}
            </>
          ) : (
            <Content c={content} id={m.id} canRaw={session.can('messages.raw')} />
          )}
        </section>
      )}

      {(d.feedback.length > 0 || d.history.length > 0) && (
        <section className="panel" aria-labelledby="hist-title">
          <h2 id="hist-title">History</h2>
          <table className="data compact">
            <TableHead columns={['When', 'Who', 'What']} />
            <tbody>
              {d.history.map((h, i) => (
                <tr key={i}>
                  <td className="nowrap">{fmtDateSeconds(h.at)}</td>
                  <td>{h.actor}</td>
                  <td>
                    <span className="mono">{h.action}</span>
                    {h.detail && typeof h.detail.purpose === 'string' ? ` (${h.detail.purpose})` : ''}
                  </td>
                </tr>
              ))}
              {d.history.length === 0 &&
                d.feedback.map((f, i) => (
                  <tr key={`f${i}`}>
                    <td className="nowrap">{fmtDateSeconds(f.at)}</td>
                    <td>{f.actor}</td>
                    <td>{f.kind === 'phish' ? 'confirmed phish' : 'marked false positive'}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function AuthResult({ result, detail }: { result: string; detail: string }) {
  return (
    <>
      <span className={`badge ${authClass(result)}`}>{result || 'none'}</span> <span className="auth-detail">{detail}</span>
    </>
  );
}

function Actions({ d, onDone }: { d: MessageDetail; onDone: () => void }) {
  const [pending, setPending] = useState<Action | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const q = d.quarantine;
  const available: Action[] = [];
  if (q && q.status === 'held') available.push('release');
  if (q && q.contentStored && q.status !== 'released') available.push('delete');
  available.push('phish', 'not-phish');

  const run = async (a: Action) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const id = d.message.id;
      const r = a === 'release' ? await api.release(id) : a === 'delete' ? await api.remove(id) : await api.feedback(id, a, note.trim());
      setResult(r.message);
      setPending(null);
      setNote('');
      onDone();
    } catch (err) {
      setError(err as ApiFailure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel actions-panel" aria-labelledby="act-title">
      <h2 id="act-title">Actions</h2>
      {result && <Notice kind="success">{result}</Notice>}
      <ErrorBox error={error} />
      {!pending ? (
        <div className="action-buttons">
          {available.map((a) => (
            <button key={a} type="button" className={`btn ${ACTION_TEXT[a].danger ? 'btn-danger' : a === 'release' ? 'btn-primary' : ''}`} onClick={() => setPending(a)}>
              {ACTION_TEXT[a].label}
            </button>
          ))}
        </div>
      ) : (
        <ConfirmPanel
          id="act-confirm-text"
          text={ACTION_TEXT[pending].confirm}
          confirmLabel={`Yes, ${ACTION_TEXT[pending].label.toLowerCase()}`}
          danger={ACTION_TEXT[pending].danger}
          busy={busy}
          lockCancel
          onConfirm={() => void run(pending)}
          onCancel={() => setPending(null)}
        >
          {(pending === 'phish' || pending === 'not-phish') && (
            <div className="field">
              <label htmlFor="act-note">Note (optional, kept with the decision)</label>
              <textarea id="act-note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
            </div>
          )}
        </ConfirmPanel>
      )}
    </section>
  );
}

function DeliveryRows({ rows }: { rows: MessageDetail['deliveries'] }) {
  return (
    <>
      {rows.map((x, i) => (
        <tr key={i}>
          <td className="addr">{x.recipient}</td>
          <td>
            <span className={`badge delivery-${x.state}`}>{x.state}</span>
          </td>
          <td className="num">{x.attempts}</td>
          <td className="break">{x.lastError ?? x.detail ?? ''}</td>
        </tr>
      ))}
    </>
  );
}

function Deliveries({ d, onRefresh }: { d: MessageDetail; onRefresh: () => void }) {
  const q = d.quarantine;
  const release = q?.releaseDelivery;
  const rows = release ? release.deliveries : d.deliveries.filter((x) => x.state !== 'cancelled');
  if (!q && rows.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="dlv-title">
      <h2 id="dlv-title">{q ? 'Quarantine and delivery' : 'Delivery'}</h2>
      {q && (
        <p>
          <StatusBadge status={q.status} /> {STATUS_LABEL[q.status] ?? q.status}
          {q.statusAt && (
            <>
              {' '}
              since {fmtDate(q.statusAt)}
              {q.statusBy ? ` by ${q.statusBy}` : ''}
            </>
          )}
          .
        </p>
      )}
      {q && q.releaseRequests.length > 0 && (
        <p>
          Release requested by {q.releaseRequests.map((r) => `${r.recipient} (${fmtDate(r.requestedAt)}, ${r.state})`).join('; ')}.
        </p>
      )}
      {release && rows.length === 0 && <p className="muted">Release queued; delivery starts in a moment.</p>}
      {release && (
        <p>
          <button type="button" className="btn btn-small" onClick={onRefresh}>
            Refresh delivery state
          </button>
        </p>
      )}
      {rows.length > 0 && (
        <table className="data compact" aria-label="Deliveries">
          <TableHead columns={['Recipient', 'State', { label: 'Attempts', className: 'num' }, 'Detail']} />
          <tbody>
            <DeliveryRows rows={rows} />
          </tbody>
        </table>
      )}
    </section>
  );
}

function Content({ c, id, canRaw }: { c: MessageContent; id: string; canRaw: boolean }) {
  return (
    <>
      {c.photoMatches.length > 0 && (
        <div className="photo-matches">
          <h3>Face or photo match with the directory</h3>
          {c.photoMatches.map((p, i) => (
            <figure key={i} className="photo-match">
              <div className="photo-pair">
                <div>
                  <img src={`/api/directory/persons/${encodeURIComponent(p.person.id)}/photos/${p.person.photoIndex}`} alt={`Directory photo of ${p.person.name}`} />
                  <p className="photo-caption">
                    Directory: <strong>{p.person.name}</strong>
                    <br />
                    {p.person.organization}
                  </p>
                </div>
                <div>
                  {p.mailImage.dataUri ? <img src={p.mailImage.dataUri} alt={`Image in the mail: ${p.mailImage.description}`} /> : <div className="photo-missing">image not shown</div>}
                  <p className="photo-caption">
                    In this mail: {p.mailImage.description}
                  </p>
                </div>
              </div>
              <figcaption>
                <span className="signal-id">{p.signal}</span> {p.evidence}
              </figcaption>
            </figure>
          ))}
        </div>
      )}

      <h3>Safe preview</h3>
      <p className="hint">
        Sanitized copy: scripts, forms and remote images removed; links show where they go and cannot be clicked.
        {c.preview.remoteImagesBlocked > 0 && ` ${c.preview.remoteImagesBlocked} remote ${c.preview.remoteImagesBlocked === 1 ? 'image was' : 'images were'} not loaded.`}
      </p>
      <SafePreview document={c.preview.document} title="Safe preview of the message (nothing in it can run, load or be clicked)" />

      {c.links.length > 0 && (
        <details open={c.links.length <= 10}>
          <summary>Links in the message ({c.links.length})</summary>
          <div className="table-wrap">
            <table className="data compact">
              <TableHead columns={['Text shown', 'Real target']} />
              <tbody>
                {c.links.map((l, i) => (
                  <tr key={i}>
                    <td>{l.text || <span className="muted">(no text)</span>}</td>
                    <td className="mono break">{l.href}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
      {c.attachments.length > 0 && (
        <details open>
          <summary>Attachments ({c.attachments.length})</summary>
          <table className="data compact">
            <TableHead columns={['File', 'Declared type', 'Actual type', { label: 'Size', className: 'num' }]} />
            <tbody>
              {c.attachments.map((a, i) => (
                <tr key={i}>
                  <td className="break">{a.filename || '(no name)'}</td>
                  <td className="mono">{a.declaredType}</td>
                  <td className={`mono ${a.sniffedType && a.sniffedType !== a.declaredType ? 'mismatch' : ''}`}>{a.sniffedType || '—'}</td>
                  <td className="num">{fmtBytes(a.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <details>
        <summary>Headers ({c.headers.length})</summary>
        <div className="table-wrap">
          <table className="data compact headers-table">
            <tbody>
              {c.headers.map((h, i) => (
                <tr key={i}>
                  <th scope="row" className="mono">
                    {h.name}
                  </th>
                  <td className="mono break">{h.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      {c.defects.length > 0 && (
        <details>
          <summary>Structural defects ({c.defects.length})</summary>
          <ul>
            {c.defects.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        </details>
      )}
      {canRaw && (
        <p>
          <a className="btn" href={`/api/messages/${encodeURIComponent(id)}/raw`} download>
            Download original (.eml)
          </a>
        </p>
      )}
    </>
  );
}
