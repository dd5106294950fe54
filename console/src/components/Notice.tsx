import type { ReactNode } from 'react';
import type { ApiFailure } from '../api.ts';

/** An error from the API, with every detail it gave (validation errors name the field). */
export function ErrorBox({ error, title }: { error: ApiFailure | Error | null; title?: string }) {
  if (!error) return null;
  const details = 'details' in error ? error.details : [];
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title ?? 'That did not work.'}</strong> {error.message}
      {details.length > 0 && (
        <ul className="error-details">
          {details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}
