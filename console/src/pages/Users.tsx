import { useState, type FormEvent } from 'react';
import { ApiFailure, api, type Role } from '../api.ts';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { fmtDate, fmtWhen } from '../format.ts';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';

const ROLES: { id: Role; label: string; what: string }[] = [
  { id: 'viewer', label: 'Viewer', what: 'dashboard, live feed and message metadata; never message content' },
  { id: 'auditor', label: 'Auditor', what: 'reads mail, verdicts and the audit log; changes nothing' },
  { id: 'analyst', label: 'Analyst', what: 'reads mail and acts on it: release, delete, confirm phish, false positives' },
  { id: 'admin', label: 'Administrator', what: 'everything: settings, users, API tokens, raw downloads' },
];

/** A secret the server shows once (a one-time password or an API token). */
function OneTimeSecret({ title, secret, note, onClose }: { title: string; secret: string; note: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice notice-warning secret-box" role="alert">
      <strong>{title}</strong>
      <p>{note}</p>
      <code className="secret" data-testid="one-time-secret">
        {secret}
      </code>
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          onClick={() =>
            void navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          I have saved it
        </button>
      </div>
    </div>
  );
}

function RoleSelect({ id, value, onChange, label }: { id: string; value: Role; onChange: (r: Role) => void; label?: string }) {
  return (
    <select id={id} className="role-select" value={value} onChange={(e) => onChange(e.target.value as Role)} aria-label={label}>
      {ROLES.map((r) => (
        <option key={r.id} value={r.id}>
          {r.label}
        </option>
      ))}
    </select>
  );
}

export function UsersPage() {
  const session = useSession();
  const users = useLoad(() => api.users(), []);
  const tokens = useLoad(() => api.tokens(), []);
  const [secret, setSecret] = useState<{ title: string; secret: string; note: string } | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [tokenLabel, setTokenLabel] = useState('');
  const [tokenRole, setTokenRole] = useState<Role>('viewer');
  const [tokenDays, setTokenDays] = useState('90');

  const run = async (f: () => Promise<void>) => {
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err as ApiFailure);
    }
  };

  const addUser = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api.addUser(name.trim(), role);
      setSecret({ title: `Account “${r.user.name}” created.`, secret: r.password, note: 'Give this one-time password to the person over a trusted channel. It is shown only now; they choose their own at first sign-in.' });
      setName('');
      users.reload();
    });
  };
  const addToken = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const days = tokenDays ? Number(tokenDays) : undefined;
      const r = await api.createToken(tokenRole, tokenLabel.trim(), days);
      setSecret({ title: `API token “${r.info.label}” created.`, secret: r.token, note: 'Use it as “Authorization: Bearer <token>”. It is shown only now; Medshield keeps only its hash.' });
      setTokenLabel('');
      tokens.reload();
    });
  };

  return (
    <>
      <PageTitle title="Users & tokens">Users &amp; API tokens</PageTitle>
      {secret && <OneTimeSecret {...secret} onClose={() => setSecret(null)} />}
      <ErrorBox error={error} />

      <section className="panel" aria-labelledby="users-title">
        <h2 id="users-title">Console accounts</h2>
        <ErrorBox error={users.error} />
        {users.loading && !users.data && <Loading />}
        {users.data && (
          <div className="table-wrap">
            <table className="data">
              <TableHead columns={['Name', 'Role', 'State', 'Last sign-in', 'Actions']} />
              <tbody>
                {users.data.items.map((u) => {
                  const self = u.name === session.info.user.name;
                  return (
                    <tr key={u.name}>
                      <td>
                        <div className="cell-main">{u.name}</div>
                        <div className="cell-sub">
                          created {fmtWhen(u.createdAt)} by {u.createdBy}
                        </div>
                      </td>
                      <td>
                        <RoleSelect id={`role-${u.name}`} label={`Role of ${u.name}`} value={u.role} onChange={(r) => void run(async () => (await api.changeUser(u.name, { role: r }), users.reload()))} />
                      </td>
                      <td>
                        <div className="badges">
                          {u.disabled && <span className="badge verdict-reject">disabled</span>}
                          {u.lockedUntil && <span className="badge verdict-quarantine">locked until {fmtDate(u.lockedUntil)}</span>}
                          {u.mustChangePassword && <span className="badge verdict-tag">one-time password</span>}
                          {u.totpEnabled && <span className="badge status-released">2FA</span>}
                          {!u.disabled && !u.lockedUntil && !u.mustChangePassword && !u.totpEnabled && <span className="muted">active</span>}
                        </div>
                      </td>
                      <td>{fmtWhen(u.lastLoginAt)}</td>
                      <td>
                        <div className="button-row">
                          <button
                            type="button"
                            className="btn btn-small"
                            disabled={self}
                            onClick={() =>
                              void run(async () => {
                                await api.changeUser(u.name, { disabled: !u.disabled });
                                users.reload();
                              })
                            }
                          >
                            {u.disabled ? 'Enable' : 'Disable'}
                          </button>
                          <button
                            type="button"
                            className="btn btn-small"
                            onClick={() =>
                              void run(async () => {
                                const r = await api.resetPassword(u.name);
                                setSecret({ title: `New one-time password for “${u.name}”.`, secret: r.password, note: 'Their sessions were ended. It is shown only now.' });
                                users.reload();
                              })
                            }
                          >
                            Reset password
                          </button>
                          {u.lockedUntil && (
                            <button type="button" className="btn btn-small" onClick={() => void run(async () => (await api.unlockUser(u.name), users.reload()))}>
                              Unlock
                            </button>
                          )}
                          {u.totpEnabled && (
                            <button type="button" className="btn btn-small" onClick={() => void run(async () => (await api.resetTotp(u.name), users.reload()))}>
                              Reset 2FA
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <form className="inline-form" onSubmit={addUser} aria-label="Add an account">
          <div className="field">
            <label htmlFor="new-user">New account name</label>
            <input id="new-user" value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="new-role">Role</label>
            <RoleSelect id="new-role" value={role} onChange={setRole} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={!name.trim()}>
            Add account
          </button>
        </form>
        <dl className="role-help">
          {ROLES.map((r) => (
            <div key={r.id}>
              <dt>{r.label}</dt>
              <dd>{r.what}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="panel" aria-labelledby="tokens-title">
        <h2 id="tokens-title">API tokens</h2>
        <p className="hint">For automation (SIEM, ticketing). A token acts with its role; every use is audited as the token.</p>
        <ErrorBox error={tokens.error} />
        {tokens.data && (
          <div className="table-wrap">
            <table className="data">
              <TableHead columns={['Label', 'Role', 'Created', 'Expires', 'Last used', 'Actions']} />
              <tbody>
                {tokens.data.items.length === 0 && <EmptyRow colSpan={6}>No API tokens.</EmptyRow>}
                {tokens.data.items.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <div className="cell-main">{t.label}</div>
                      <div className="cell-sub mono">token:{t.id}</div>
                    </td>
                    <td>{ROLES.find((r) => r.id === t.role)?.label ?? t.role}</td>
                    <td>
                      {fmtWhen(t.createdAt)}
                      <div className="cell-sub">by {t.createdBy}</div>
                    </td>
                    <td>{t.expiresAt ? fmtWhen(t.expiresAt) : 'never'}</td>
                    <td>{fmtWhen(t.lastUsedAt)}</td>
                    <td>
                      {t.revokedAt ? (
                        <span className="badge verdict-reject">revoked {fmtWhen(t.revokedAt)}</span>
                      ) : (
                        <button type="button" className="btn btn-small btn-danger" onClick={() => void run(async () => (await api.revokeToken(t.id), tokens.reload()))}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form className="inline-form" onSubmit={addToken} aria-label="Create an API token">
          <div className="field">
            <label htmlFor="tok-label">Label</label>
            <input id="tok-label" value={tokenLabel} onChange={(e) => setTokenLabel(e.target.value)} maxLength={100} placeholder="e.g. SIEM export" />
          </div>
          <div className="field">
            <label htmlFor="tok-role">Role</label>
            <RoleSelect id="tok-role" value={tokenRole} onChange={setTokenRole} />
          </div>
          <div className="field">
            <label htmlFor="tok-days">Expires after (days, empty for never)</label>
            <input id="tok-days" type="number" min={1} max={3650} value={tokenDays} onChange={(e) => setTokenDays(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={!tokenLabel.trim()}>
            Create token
          </button>
        </form>
      </section>
    </>
  );
}
