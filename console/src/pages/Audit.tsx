import { useState, type FormEvent } from 'react';
import { ApiFailure, api, auditExportUrl, type AuditEntryInfo, type ChainCheck } from '../api.ts';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { fmtInt, fmtWhen, isoToLocalInput, localInputToIso } from '../format.ts';
import { Link } from '../router.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';

const PAGE = 100;

interface Filter {
  actor: string;
  action: string;
  target: string;
  since: string;
  until: string;
}

const EMPTY: Filter = { actor: '', action: '', target: '', since: '', until: '' };

/** Plain words for the actions an auditor asks about most; the rest show their code. */
const ACTION_WORDS: Record<string, string> = {
  'auth.login': 'signed in',
  'auth.login-failed': 'failed to sign in',
  'auth.logout': 'signed out',
  'message.view': 'opened a message',
  'message.feedback': 'gave feedback on a message',
  'messages.search': 'searched mail',
  'quarantine.read': 'read message content',
  'quarantine.release': 'released a message',
  'quarantine.delete': 'deleted a message',
  'settings.change': 'changed settings',
  'directory.import': 'imported the directory',
  'audit.export': 'exported the audit log',
  'users.add': 'added a user',
  'users.change': 'changed a user',
  'users.reset-password': 'reset a password',
  'users.unlock': 'unlocked an account',
  'users.reset-totp': 'reset two-factor sign-in',
  'tokens.create': 'created an API token',
  'tokens.revoke': 'revoked an API token',
  'auth.password-change': 'changed their password',
  'auth.totp-enable': 'turned on two-factor sign-in',
  'auth.totp-disable': 'turned off two-factor sign-in',
  'quarantine.add': 'quarantined a message',
  'quarantine.expire': 'content expired',
  'quarantine.release-request': 'asked for a release',
};

function targetLink(target: string): string | null {
  // Message ids and quarantine ids both open the message page.
  if (/^(?=.*[0-9])[0-9a-z-]{6,64}$/.test(target)) return `/messages/${encodeURIComponent(target)}`;
  return null;
}

function DetailText({ detail }: { detail: AuditEntryInfo['detail'] }) {
  if (!detail) return null;
  const parts = Object.entries(detail)
    .filter(([k]) => k !== 'ip')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (!parts.length) return null;
  const text = parts.join('; ');
  return <span className="audit-detail">{text.length > 240 ? `${text.slice(0, 240)}…` : text}</span>;
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [older, setOlder] = useState<AuditEntryInfo[]>([]);
  const [olderDone, setOlderDone] = useState(false);
  const [olderError, setOlderError] = useState<ApiFailure | null>(null);
  const [chain, setChain] = useState<ChainCheck | null>(null);
  const [chainError, setChainError] = useState<ApiFailure | null>(null);
  const query = { actor: filter.actor, action: filter.action, target: filter.target, since: filter.since || undefined, until: filter.until || undefined };
  const { data, error, loading } = useLoad(() => api.audit({ ...query, limit: PAGE }), [filter]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setOlder([]);
    setOlderDone(false);
    setFilter({ ...draft, actor: draft.actor.trim(), target: draft.target.trim() });
  };
  const rows = [...(data?.items ?? []), ...older];
  const loadOlder = async () => {
    const last = rows.at(-1);
    if (!last) return;
    setOlderError(null);
    try {
      const r = await api.audit({ ...query, limit: PAGE, beforeId: last.id });
      setOlder((o) => [...o, ...r.items]);
      if (r.items.length < PAGE) setOlderDone(true);
    } catch (err) {
      setOlderError(err as ApiFailure);
    }
  };
  const verify = async () => {
    setChainError(null);
    setChain(null);
    try {
      setChain(await api.auditVerify());
    } catch (err) {
      setChainError(err as ApiFailure);
    }
  };
  const set = <K extends keyof Filter>(k: K, v: Filter[K]) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <>
      <PageTitle
        title="Audit log"
        actions={
          <div className="button-row">
            <a className="btn" href={auditExportUrl('csv', query)} download>
              Export CSV
            </a>
            <a className="btn" href={auditExportUrl('json', query)} download>
              Export JSON
            </a>
            <button type="button" className="btn" onClick={() => void verify()}>
              Verify integrity
            </button>
          </div>
        }
      >
        Audit log
      </PageTitle>
      <p className="lead">Every sign-in, every read of message content, every release, deletion, verdict override and settings change: who, when, what and from where. Entries are hash-chained; editing or removing one breaks the chain. Exports are themselves audited.</p>
      <ErrorBox error={chainError} title="The integrity check did not run." />
      {chain &&
        (chain.ok ? (
          <Notice kind="success">Intact: all {fmtInt(chain.checked)} entries check out against the hash chain.</Notice>
        ) : (
          <div className="notice notice-error" role="alert">
            <strong>The audit log has been tampered with.</strong> The chain breaks at entry {chain.firstBroken?.id}: {chain.firstBroken?.reason}.
          </div>
        ))}
      <form className="filters panel" onSubmit={submit} role="search" aria-label="Filter the audit log">
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="a-actor">Who</label>
            <input id="a-actor" value={draft.actor} onChange={(e) => set('actor', e.target.value)} placeholder="e.g. user:alice" />
          </div>
          <div className="field">
            <label htmlFor="a-action">Action</label>
            <select id="a-action" value={draft.action} onChange={(e) => set('action', e.target.value)}>
              <option value="">Any</option>
              {(data?.actions ?? []).map((a) => (
                <option key={a} value={a}>
                  {a}
                  {ACTION_WORDS[a] ? ` (${ACTION_WORDS[a]})` : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="a-target">Target (exact)</label>
            <input id="a-target" value={draft.target} onChange={(e) => set('target', e.target.value)} placeholder="message or quarantine id, user:name" />
          </div>
          <div className="field">
            <label htmlFor="a-since">From</label>
            <input id="a-since" type="datetime-local" value={isoToLocalInput(draft.since)} onChange={(e) => set('since', localInputToIso(e.target.value) ?? '')} />
          </div>
          <div className="field">
            <label htmlFor="a-until">Before</label>
            <input id="a-until" type="datetime-local" value={isoToLocalInput(draft.until)} onChange={(e) => set('until', localInputToIso(e.target.value) ?? '')} />
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Apply filters
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setDraft(EMPTY);
              setOlder([]);
              setOlderDone(false);
              setFilter(EMPTY);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorBox error={error} title="The audit log could not be loaded." />
      {loading && !data && <Loading />}
      {data && (
        <>
          <p className="result-count" role="status" aria-live="polite">
            {loading ? 'Loading…' : `Showing ${fmtInt(rows.length)} ${rows.length === 1 ? 'entry' : 'entries'}, newest first`}
          </p>
          <div className={`table-wrap ${loading ? 'stale' : ''}`}>
            <table className="data audit-table">
              <caption className="sr-only">Audit entries, newest first</caption>
              <TableHead columns={['When', 'Who, from where', 'Action', 'Target', 'Detail']} />
              <tbody>
                {rows.length === 0 && <EmptyRow colSpan={5}>No entries match.</EmptyRow>}
                {rows.map((r) => {
                  const link = targetLink(r.target);
                  return (
                    <tr key={r.id}>
                      <td className="nowrap" title={r.at}>{fmtWhen(r.at, true)}</td>
                      <td>
                        <div>{r.actor}</div>
                        <div className="cell-sub mono">{r.ip ?? (typeof r.detail?.ip === 'string' ? r.detail.ip : '')}</div>
                      </td>
                      <td>
                        <span className="mono">{r.action}</span>
                        {ACTION_WORDS[r.action] && <div className="cell-sub">{ACTION_WORDS[r.action]}</div>}
                      </td>
                      <td className="mono nowrap small">{link ? <Link to={link}>{r.target}</Link> : r.target}</td>
                      <td>
                        <DetailText detail={r.detail} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <ErrorBox error={olderError} />
          {data.items.length === PAGE && !olderDone && (
            <div className="pager">
              <button type="button" className="btn" onClick={() => void loadOlder()}>
                Load older entries
              </button>
            </div>
          )}
        </>
      )}
    </>
  );
}
