import { useState, type FormEvent } from 'react';
import { ApiFailure, api } from '../api.ts';
import { ErrorBox, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { useSession } from '../session.tsx';

function PasswordForm({ onDone, submitLabel }: { onDone: () => void; submitLabel: string }) {
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = again.length > 0 && next !== again;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return;
    setBusy(true);
    setError(null);
    try {
      session.update(await api.changePassword(current, next));
      setCurrent('');
      setNext('');
      setAgain('');
      onDone();
    } catch (err) {
      setError(err as ApiFailure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="form-narrow">
      <ErrorBox error={error} title="The password was not changed." />
      <div className="field">
        <label htmlFor="pw-current">Current password</label>
        <input id="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="pw-next">New password</label>
        <input id="pw-next" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-describedby="pw-rules" required />
        <p id="pw-rules" className="hint">
          At least 12 characters, not your user name and not repetitive. A passphrase of a few unrelated words works well.
        </p>
      </div>
      <div className="field">
        <label htmlFor="pw-again">New password again</label>
        <input id="pw-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} aria-invalid={mismatch} aria-describedby={mismatch ? 'pw-mismatch' : undefined} required />
        {mismatch && (
          <p id="pw-mismatch" className="form-error">
            The two new passwords differ.
          </p>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !current || !next || next !== again}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** First sign-in with a one-time password: nothing else is available until it is changed. */
export function ForcedPasswordChange() {
  const session = useSession();
  return (
    <main className="center-page">
      <div className="login-card wide">
        <h1>Choose your password</h1>
        <p>
          You signed in as <strong>{session.info.user.name}</strong> with a one-time password. Choose your own before you continue.
        </p>
        <PasswordForm onDone={() => undefined} submitLabel="Set password and continue" />
        <div className="form-actions">
          <button type="button" className="btn btn-link" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </div>
    </main>
  );
}

function TwoFactor() {
  const session = useSession();
  const [setup, setSetup] = useState<{ secret: string; qrSvg: string } | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const enabled = session.info.user.totpEnabled;

  const run = async (f: () => Promise<void>) => {
    setError(null);
    setDone(null);
    try {
      await f();
    } catch (err) {
      setError(err as ApiFailure);
    }
  };

  if (session.info.user.kind !== 'user') return null;
  return (
    <section className="panel" aria-labelledby="tfa-title">
      <h2 id="tfa-title">Two-factor sign-in</h2>
      <ErrorBox error={error} />
      {done && <Notice kind="success">{done}</Notice>}
      {enabled ? (
        <form
          className="form-narrow"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              session.update(await api.totpDisable(password));
              setPassword('');
              setDone('Two-factor sign-in is off.');
            });
          }}
        >
          <p>
            <span className="badge status-released">On</span> Signing in asks for a code from your authenticator app.
          </p>
          <div className="field">
            <label htmlFor="tfa-password">Password (to turn it off)</label>
            <input id="tfa-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-danger" disabled={!password}>
            Turn off two-factor sign-in
          </button>
        </form>
      ) : setup ? (
        <form
          className="form-narrow"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              session.update(await api.totpEnable(code.replace(/\s+/g, '')));
              setSetup(null);
              setCode('');
              setDone('Two-factor sign-in is on. Keep the authenticator app with you.');
            });
          }}
        >
          <p>Scan this code with an authenticator app, or enter the key by hand, then type the code it shows.</p>
          <img className="qr" alt="QR code for the authenticator app" src={`data:image/svg+xml;base64,${btoa(setup.qrSvg)}`} width={180} height={180} />
          <p>
            Key: <code className="secret">{setup.secret}</code>
          </p>
          <div className="field">
            <label htmlFor="tfa-code">Code from the app</label>
            <input id="tfa-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={code.replace(/\s+/g, '').length < 6}>
            Turn on
          </button>
        </form>
      ) : (
        <>
          <p>Off. With it on, signing in also asks for a code from an authenticator app on your phone.</p>
          <button type="button" className="btn btn-primary" onClick={() => void run(async () => setSetup(await api.totpSetup()))}>
            Set up two-factor sign-in
          </button>
        </>
      )}
    </section>
  );
}

export function AccountPage() {
  const session = useSession();
  const [changed, setChanged] = useState(false);
  return (
    <>
      <PageTitle title="Your account">Your account</PageTitle>
      <p>
        Signed in as <strong>{session.info.user.name}</strong> ({session.info.user.role})
        {session.info.expiresAt && <> · this session ends by {new Date(session.info.expiresAt).toLocaleString()}</>}.
      </p>
      {session.info.user.kind === 'user' && (
        <section className="panel" aria-labelledby="pw-title">
          <h2 id="pw-title">Change password</h2>
          {changed && <Notice kind="success">Your password is changed. Your other sessions were signed out.</Notice>}
          <PasswordForm onDone={() => setChanged(true)} submitLabel="Change password" />
        </section>
      )}
      <TwoFactor />
    </>
  );
}
