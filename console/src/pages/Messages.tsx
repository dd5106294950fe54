import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, type BulkResult, type MessageSummary } from '../api.ts';
import { FeedbackBadge, ScoreBadge, StatusBadge, VerdictBadge } from '../components/Badges.tsx';
import { Addr, AddrList } from '../components/Addr.tsx';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { fmtInt, fmtWhen, isoToLocalInput, localInputToIso, VERDICT_SHORT, VERDICTS } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { ConfirmPanel } from '../components/ConfirmPanel.tsx';

const PAGE = 50;
type BulkAction = 'release' | 'delete' | 'phish' | 'not-phish';

const BULK: Record<BulkAction, { label: string; confirm: (n: number) => string; danger?: boolean }> = {
  release: { label: 'Release', confirm: (n) => `Release ${n === 1 ? 'this message' : `these ${n} messages`} to the recipients? Only do this for mail you have checked is safe.` },
  delete: { label: 'Delete', danger: true, confirm: (n) => `Delete the content of ${n === 1 ? 'this message' : `these ${n} messages`} for good? The record and audit trail stay.` },
  phish: { label: 'Confirm phish', confirm: (n) => `Confirm ${n === 1 ? 'this message is' : `these ${n} messages are`} phishing? The senders are put on record as reported.` },
  'not-phish': { label: 'Mark false positive', confirm: (n) => `Mark ${n === 1 ? 'this message' : `these ${n} messages`} as a false positive? The senders are put on record as legitimate.` },
};

interface Filter {
  q: string;
  from: string;
  recipient: string;
  subject: string;
  verdict: string[];
  signal: string;
  status: string;
  since: string;
  until: string;
  offset: number;
}

function readFilter(query: URLSearchParams, mode: 'all' | 'quarantine'): Filter {
  return {
    q: query.get('q') ?? '',
    from: query.get('from') ?? '',
    recipient: query.get('recipient') ?? '',
    subject: query.get('subject') ?? '',
    verdict: (query.get('verdict') ?? '').split(',').filter((v) => (VERDICTS as readonly string[]).includes(v)),
    signal: query.get('signal') ?? '',
    status: query.get('status') ?? (mode === 'quarantine' ? 'held' : ''),
    since: query.get('since') ?? '',
    until: query.get('until') ?? '',
    offset: Math.max(0, Number(query.get('offset') ?? 0) || 0),
  };
}

function writeFilter(f: Filter, mode: 'all' | 'quarantine'): string {
  const p = new URLSearchParams();
  for (const k of ['q', 'from', 'recipient', 'subject', 'signal', 'since', 'until'] as const) if (f[k]) p.set(k, f[k]);
  if (f.verdict.length) p.set('verdict', f.verdict.join(','));
  if (f.status && !(mode === 'quarantine' && f.status === 'held')) p.set('status', f.status);
  if (mode === 'quarantine' && f.status === '') p.set('status', 'any');
  if (f.offset) p.set('offset', String(f.offset));
  const s = p.toString();
  return (mode === 'quarantine' ? '/quarantine' : '/messages') + (s ? `?${s}` : '');
}

export function MessagesPage({ mode }: { mode: 'all' | 'quarantine' }) {
  const session = useSession();
  const loc = useLocation();
  const applied = useMemo(() => {
    const f = readFilter(loc.query, mode);
    if (f.status === 'any') f.status = '';
    return f;
  }, [loc.query.toString(), mode]); // eslint-disable-line react-hooks/exhaustive-deps
  const [draft, setDraft] = useState<Filter>(applied);
  useEffect(() => setDraft(applied), [applied]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<BulkAction | null>(null);
  const [bulkResult, setBulkResult] = useState<{ action: BulkAction; r: BulkResult } | null>(null);
  const [bulkError, setBulkError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const contentVisible = session.can('messages.content');
  const canAct = session.can('messages.act');

  const signals = useLoad(() => api.signals(), []);
  const list = useLoad(
    () =>
      api.messages({
        q: applied.q,
        from: applied.from,
        recipient: applied.recipient,
        subject: contentVisible ? applied.subject : undefined,
        verdict: applied.verdict,
        signal: applied.signal,
        since: applied.since || undefined,
        until: applied.until || undefined,
        ...(mode === 'quarantine' ? { disposition: 'quarantined', status: applied.status || undefined } : { status: applied.status || undefined }),
        limit: PAGE,
        offset: applied.offset,
      }),
    [applied, mode, contentVisible],
  );
  useEffect(() => setSelected(new Set()), [applied, mode]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBulkResult(null);
    navigate(writeFilter({ ...draft, offset: 0 }, mode));
  };
  const clear = () => {
    setBulkResult(null);
    navigate(mode === 'quarantine' ? '/quarantine' : '/messages');
  };
  const set = <K extends keyof Filter>(k: K, v: Filter[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const items = list.data?.items ?? [];
  const allSelected = items.length > 0 && items.every((m) => selected.has(m.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const runBulk = async (action: BulkAction) => {
    setBusy(true);
    setBulkError(null);
    try {
      const r = await api.bulk([...selected], action);
      setBulkResult({ action, r });
      setSelected(new Set());
      setPending(null);
      list.reload();
    } catch (err) {
      setBulkError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const title = mode === 'quarantine' ? 'Quarantine' : 'Messages';
  const total = list.data?.total ?? 0;

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      {mode === 'quarantine' && <p className="lead">Mail held back from the recipients. Open a message to see why, preview it safely, and release or delete it.</p>}
      {!contentVisible && (
        <Notice>
          Your role sees who sent what to whom and the verdicts, but not subjects or message content.
        </Notice>
      )}
      <form className="filters panel" onSubmit={submit} role="search" aria-label={`Filter ${title.toLowerCase()}`}>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="f-q">Search</label>
            <input id="f-q" type="search" value={draft.q} onChange={(e) => set('q', e.target.value)} placeholder={contentVisible ? 'Sender, recipient or subject' : 'Sender or recipient'} />
          </div>
          <div className="field">
            <label htmlFor="f-from">Sender</label>
            <input id="f-from" value={draft.from} onChange={(e) => set('from', e.target.value)} placeholder="name@example.com or domain" />
          </div>
          <div className="field">
            <label htmlFor="f-rcpt">Recipient</label>
            <input id="f-rcpt" value={draft.recipient} onChange={(e) => set('recipient', e.target.value)} />
          </div>
          {contentVisible && (
            <div className="field">
              <label htmlFor="f-subject">Subject</label>
              <input id="f-subject" value={draft.subject} onChange={(e) => set('subject', e.target.value)} />
            </div>
          )}
          <div className="field">
            <label htmlFor="f-signal">Signal</label>
            <input id="f-signal" list="signal-ids" value={draft.signal} onChange={(e) => set('signal', e.target.value.toUpperCase().replace(/[^A-Z0-9_]/g, ''))} placeholder="e.g. CALLBACK_LURE" />
            <datalist id="signal-ids">
              {signals.data?.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.description}
                </option>
              ))}
            </datalist>
          </div>
          <div className="field">
            <label htmlFor="f-status">Quarantine status</label>
            <select id="f-status" value={draft.status} onChange={(e) => set('status', e.target.value)}>
              <option value="">Any</option>
              <option value="held">In quarantine</option>
              <option value="released">Released</option>
              <option value="deleted">Deleted</option>
              <option value="expired">Expired</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-since">Received from</label>
            <input id="f-since" type="datetime-local" value={isoToLocalInput(draft.since)} onChange={(e) => set('since', localInputToIso(e.target.value) ?? '')} />
          </div>
          <div className="field">
            <label htmlFor="f-until">Received before</label>
            <input id="f-until" type="datetime-local" value={isoToLocalInput(draft.until)} onChange={(e) => set('until', localInputToIso(e.target.value) ?? '')} />
          </div>
        </div>
        <fieldset className="verdict-filter">
          <legend>Verdict</legend>
          {VERDICTS.filter((v) => mode === 'all' || ['hold', 'quarantine'].includes(v)).map((v) => (
            <label key={v} className="check">
              <input type="checkbox" checked={draft.verdict.includes(v)} onChange={(e) => set('verdict', e.target.checked ? [...draft.verdict, v] : draft.verdict.filter((x) => x !== v))} /> {VERDICT_SHORT[v]}
            </label>
          ))}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Apply filters
          </button>
          <button type="button" className="btn" onClick={clear}>
            Clear
          </button>
        </div>
      </form>

      <ErrorBox error={list.error} title="The messages could not be loaded." />
      <ErrorBox error={bulkError} title="The action did not run." />
      {bulkResult && (
        <Notice kind={bulkResult.r.failed ? 'warning' : 'success'}>
          {BULK[bulkResult.action].label}: {fmtInt(bulkResult.r.succeeded)} done{bulkResult.r.failed ? `, ${fmtInt(bulkResult.r.failed)} failed` : ''}.
          {bulkResult.r.failed > 0 && (
            <ul className="error-details">
              {bulkResult.r.results
                .filter((x) => !x.ok)
                .map((x) => (
                  <li key={x.id}>
                    {x.id}: {x.message}
                  </li>
                ))}
            </ul>
          )}
        </Notice>
      )}

      <div className="list-head">
        <p className="result-count" role="status" aria-live="polite">
          {list.loading ? 'Searching…' : `${fmtInt(total)} ${total === 1 ? 'message' : 'messages'}${list.data?.truncated ? ' (search stopped at the scan limit; narrow the filters)' : ''}`}
        </p>
        {canAct && selected.size > 0 && (
          <div className="bulk-bar" role="group" aria-label="Actions on the selected messages">
            <span>{fmtInt(selected.size)} selected</span>
            {(Object.keys(BULK) as BulkAction[]).map((a) => (
              <button key={a} type="button" className={`btn ${BULK[a].danger ? 'btn-danger' : ''}`} onClick={() => setPending(a)} disabled={busy}>
                {BULK[a].label}
              </button>
            ))}
          </div>
        )}
      </div>
      {pending && (
        <ConfirmPanel
          className="confirm panel"
          id="bulk-confirm-text"
          text={BULK[pending].confirm(selected.size)}
          confirmLabel={`${BULK[pending].label} ${selected.size}`}
          danger={BULK[pending].danger}
          busy={busy}
          onConfirm={() => void runBulk(pending)}
          onCancel={() => setPending(null)}
        />
      )}

      {list.loading && !list.data && <Loading what="Searching" />}
      {list.data && (
        <div className={`table-wrap ${list.loading ? 'stale' : ''}`}>
          <table className="data messages-table">
            <caption className="sr-only">{title}, newest first</caption>
            <thead>
              <tr>
                {canAct && (
                  <th scope="col" className="select-col">
                    <input
                      type="checkbox"
                      aria-label="Select all messages on this page"
                      checked={allSelected}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((m) => m.id)))}
                    />
                  </th>
                )}
                <th scope="col" className="col-received">
                  Received
                </th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                {contentVisible ? <th scope="col">Subject and signals</th> : <th scope="col">Signals</th>}
                <th scope="col">Verdict</th>
                <th scope="col" className="num">
                  Score
                </th>
              </tr>
            </thead>
            <tbody>
              {items.length === 0 && <EmptyRow colSpan={8}>No messages match these filters.</EmptyRow>}
              {items.map((m) => (
                <MessageRow key={m.id} m={m} canAct={canAct} contentVisible={contentVisible} selected={selected.has(m.id)} onToggle={() => toggle(m.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && total > PAGE && (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="btn" disabled={applied.offset === 0} onClick={() => navigate(writeFilter({ ...applied, offset: Math.max(0, applied.offset - PAGE) }, mode))}>
            Newer
          </button>
          <span>
            {fmtInt(applied.offset + 1)}–{fmtInt(Math.min(total, applied.offset + PAGE))} of {fmtInt(total)}
          </span>
          <button type="button" className="btn" disabled={applied.offset + PAGE >= total} onClick={() => navigate(writeFilter({ ...applied, offset: applied.offset + PAGE }, mode))}>
            Older
          </button>
        </nav>
      )}
    </>
  );
}

function MessageRow({ m, canAct, contentVisible, selected, onToggle }: { m: MessageSummary; canAct: boolean; contentVisible: boolean; selected: boolean; onToggle: () => void }) {
  const to = `/messages/${encodeURIComponent(m.id)}`;
  const top = m.signals.filter((s) => s.score > 0).sort((a, b) => b.score - a.score);
  const label = contentVisible ? m.subject || '(no subject)' : `Message from ${m.from || m.mailFrom || 'unknown sender'}`;
  return (
    <tr className={selected ? 'selected' : undefined}>
      {canAct && (
        <td className="select-col">
          <input type="checkbox" checked={selected} onChange={onToggle} aria-label={`Select: ${label}`} />
        </td>
      )}
      <td className="nowrap col-received">{fmtWhen(m.receivedAt)}</td>
      <td className="addr">
        {contentVisible && m.fromName ? <div className="cell-main">{m.fromName}</div> : null}
        <div className={contentVisible && m.fromName ? 'cell-sub' : undefined}>
          {contentVisible ? <Addr value={m.from || m.mailFrom || '—'} /> : (
            <Link to={to}>
              <Addr value={m.from || m.mailFrom || '—'} />
            </Link>
          )}
        </div>
        <div className="cell-sub narrow-only">{fmtWhen(m.receivedAt)}</div>
      </td>
      <td className="addr">
        <AddrList values={m.recipients} />
      </td>
      <td className={contentVisible ? 'subject' : 'signals-cell'}>
        {contentVisible && (
          <div>
            <Link to={to}>{m.subject || '(no subject)'}</Link>
          </div>
        )}
        <div className="chips">
          {top.slice(0, 4).map((s) => (
            <span key={s.id} className="signal-chip">
              {s.id}
            </span>
          ))}
          {top.length > 4 && <span className="muted small"> +{top.length - 4}</span>}
        </div>
      </td>
      <td>
        <div className="badges">
          <VerdictBadge action={m.action} />
          {m.quarantineId && m.status !== 'held' && <StatusBadge status={m.status} />}
          <FeedbackBadge kind={m.feedback} />
          {m.unscannable && <span className="badge verdict-reject">Unscannable</span>}
        </div>
      </td>
      <td className="num">
        <ScoreBadge score={m.score} />
      </td>
    </tr>
  );
}
