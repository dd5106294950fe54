import { useEffect, useRef, type ReactNode } from 'react';

/** The first page after loading or signing in leaves focus where the browser puts it (so Tab reaches the skip link first). */
let firstPage = true;

/**
 * The page's h1. It takes focus when another page opens so that keyboard and screen-reader
 * users land at the top of the new page rather than on the link they clicked.
 */
export function PageTitle({ children, title, actions }: { children: ReactNode; title: string; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Medshield`;
    if (firstPage) firstPage = false;
    else ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <div className="page-title">
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}
