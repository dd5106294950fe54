import { fmtInt } from '../format.ts';
import { Link } from '../router.tsx';

/**
 * A list page's status filter as links (`?status=`), so each view has its own address and the
 * back button works; the current one carries aria-current="page".
 */
export function StatusTabs({
  label,
  path,
  tabs,
  current,
  defaultId,
  counts,
}: {
  /** Names the navigation landmark, e.g. "Show incidents". */
  label: string;
  path: string;
  tabs: readonly { id: string; label: string }[];
  current: string;
  /** The tab shown when the address has no status, linked without one. */
  defaultId: string;
  counts?: Readonly<Record<string, number>> | undefined;
}) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <Link key={t.id} to={t.id === defaultId ? path : `${path}?status=${t.id}`} aria-current={current === t.id ? 'page' : undefined} className="tab">
          {t.label}
          {counts && t.id in counts && <span className="tab-count"> {fmtInt(counts[t.id]!)}</span>}
        </Link>
      ))}
    </nav>
  );
}
