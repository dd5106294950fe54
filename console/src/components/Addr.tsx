import { Fragment } from 'react';

/** An email address that may wrap after the @ and at dots, never in the middle of a word. */
export function Addr({ value }: { value: string }) {
  const at = value.lastIndexOf('@');
  if (at < 0) return <>{value}</>;
  const domain = value.slice(at + 1).split('.');
  return (
    <span className="addr-text" title={value}>
      {value.slice(0, at)}
      <wbr />@
      {domain.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && (
            <>
              <wbr />.
            </>
          )}
          {part}
        </Fragment>
      ))}
    </span>
  );
}

export function AddrList({ values, max = 2 }: { values: string[]; max?: number }) {
  return (
    <>
      {values.slice(0, max).map((v, i) => (
        <div key={i}>
          <Addr value={v} />
        </div>
      ))}
      {values.length > max && <span className="muted">+{values.length - max} more</span>}
    </>
  );
}
