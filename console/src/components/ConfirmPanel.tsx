import type { ReactNode } from 'react';

/**
 * The second step of a confirm-then-act button: states what will happen and takes focus on the
 * confirming button, so a keyboard user confirms with Enter or backs out with Tab then Enter.
 */
export function ConfirmPanel({
  id,
  text,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
  lockCancel = false,
  className = 'confirm',
  children,
}: {
  /** id of the question's paragraph, which names the alertdialog. */
  id: string;
  text: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** Cancel is disabled while the action runs, where backing out mid-request would leave the page inconsistent. */
  lockCancel?: boolean;
  className?: string;
  /** Extra fields asked for before confirming (e.g. a note). */
  children?: ReactNode;
}) {
  return (
    <div className={className} role="alertdialog" aria-labelledby={id}>
      <p id={id}>{text}</p>
      {children}
      <div className="form-actions">
        <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} onClick={onConfirm} disabled={busy} autoFocus>
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={lockCancel ? busy : undefined}>
          Cancel
        </button>
      </div>
    </div>
  );
}
