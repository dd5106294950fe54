import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiFailure, api, type SessionInfo } from '../api.ts';

/** Sign-in: user name and password, then a TOTP code when the account has one. */
export function LoginPage({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const userRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Medshield';
    userRef.current?.focus();
  }, []);
  useEffect(() => {
    if (step === 'totp') codeRef.current?.focus();
  }, [step]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api.login(username.trim(), password, step === 'totp' ? code.replace(/\s+/g, '') : undefined);
      onSignedIn(s);
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401 && err.message === 'totp-required') {
        setStep('totp');
      } else {
        setError(err instanceof ApiFailure ? err.message : 'Sign-in failed.');
        if (step === 'totp') setCode('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="center-page login-page">
      <div className="login-card">
        <div className="login-brand">
          <svg viewBox="0 0 32 32" width="40" height="40" aria-hidden="true">
            <path d="M16 2 4 6.5v8.2C4 22.3 9.1 28.3 16 30c6.9-1.7 12-7.7 12-15.3V6.5z" fill="#0b5394" />
            <path d="M14 9h4v5h5v4h-5v5h-4v-5H9v-4h5z" fill="#fff" />
          </svg>
          <div>
            <h1>Medshield</h1>
            <p className="muted">Email defense console</p>
          </div>
        </div>
        <form onSubmit={submit} noValidate aria-describedby={error ? 'login-error' : undefined}>
          {step === 'password' ? (
            <>
              <div className="field">
                <label htmlFor="login-user">User name</label>
                <input id="login-user" ref={userRef} name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
              </div>
              <div className="field">
                <label htmlFor="login-password">Password</label>
                <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
              </div>
            </>
          ) : (
            <div className="field">
              <p id="totp-help">
                Enter the 6-digit code from the authenticator app for <strong>{username}</strong>.
              </p>
              <label htmlFor="login-totp">Authentication code</label>
              <input
                id="login-totp"
                ref={codeRef}
                name="totp"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={8}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                aria-describedby="totp-help"
                required
              />
            </div>
          )}
          {error && (
            <p id="login-error" className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !username || !password || (step === 'totp' && !code)}>
              {busy ? 'Signing in…' : step === 'totp' ? 'Verify and sign in' : 'Sign in'}
            </button>
            {step === 'totp' && (
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setStep('password');
                  setCode('');
                  setError(null);
                }}
              >
                Back
              </button>
            )}
          </div>
        </form>
        <p className="login-note">Access is recorded. Message content you open is logged in the audit trail.</p>
      </div>
    </main>
  );
}
