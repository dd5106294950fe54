import type { ReactNode } from 'react';

/** The single row a table shows when it has nothing to list, spanning every column so the message reads as the table's content. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="empty">
        {children}
      </td>
    </tr>
  );
}
