import type { ReactNode } from 'react';

/** A column heading; `false` drops a column the viewer may not see (e.g. Actions without the role to act). */
export type Column = string | { label: ReactNode; className?: string } | false;

/** The header row of a data table: every heading is a `scope="col"` cell so screen readers announce it with each cell. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => {
          if (c === false) return null;
          const col = typeof c === 'string' ? { label: c } : c;
          return (
            <th key={i} scope="col" className={col.className}>
              {col.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
