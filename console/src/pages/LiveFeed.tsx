import { useEffect, useRef, useState } from 'react';
import type { FeedItem } from '../api.ts';
import { ScoreBadge, VerdictBadge } from '../components/Badges.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { Addr, AddrList } from '../components/Addr.tsx';
import { fmtInt, fmtWhen } from '../format.ts';
import { Link } from '../router.tsx';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';

const KEEP = 200;
type Conn = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** Verdicts as the gateway reaches them (server-sent events; metadata only, never content). */
export function LiveFeedPage() {
  const [items, setItems] = useState<FeedItem[]>([]);
  const [conn, setConn] = useState<Conn>('connecting');
  const [paused, setPaused] = useState(false);
  const [onlyCaught, setOnlyCaught] = useState(false);
  const held = useRef<FeedItem[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const [heldCount, setHeldCount] = useState(0);

  useEffect(() => {
    const es = new EventSource('/api/feed');
    const seen = new Set<string>();
    es.onopen = () => setConn('live');
    // The browser retries by itself unless the server refused the stream (e.g. the session ended).
    es.onerror = () => setConn(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    es.addEventListener('verdict', (ev) => {
      let item: FeedItem;
      try {
        item = JSON.parse((ev as MessageEvent<string>).data) as FeedItem;
      } catch {
        return;
      }
      // The backlog is replayed on every reconnect; show each verdict once.
      if (seen.has(item.id)) return;
      seen.add(item.id);
      if (pausedRef.current) {
        held.current.unshift(item);
        setHeldCount(held.current.length);
        return;
      }
      setItems((xs) => [item, ...xs].slice(0, KEEP));
    });
    return () => es.close();
  }, []);

  const resume = () => {
    setItems((xs) => [...held.current, ...xs].slice(0, KEEP));
    held.current = [];
    setHeldCount(0);
    setPaused(false);
  };

  const shown = onlyCaught ? items.filter((i) => ['hold', 'quarantine', 'reject'].includes(i.action)) : items;
  return (
    <>
      <PageTitle title="Live feed">Live feed</PageTitle>
      <div className="feed-bar">
        <span className={`conn conn-${conn}`} role="status" aria-live="polite">
          <span className="conn-dot" aria-hidden="true" />
          {conn === 'live' ? 'Live' : conn === 'connecting' ? 'Connecting…' : conn === 'closed' ? 'Stopped: reload the page to reconnect' : 'Connection lost, reconnecting…'}
        </span>
        <label className="check">
          <input type="checkbox" checked={onlyCaught} onChange={(e) => setOnlyCaught(e.target.checked)} /> Caught mail only
        </label>
        {paused ? (
          <button type="button" className="btn btn-primary" onClick={resume}>
            Resume{heldCount ? ` (${fmtInt(heldCount)} new)` : ''}
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => setPaused(true)}>
            Pause
          </button>
        )}
      </div>
      <p className="hint">Each verdict appears as Medshield reaches it: who sent what to whom, the verdict and the strongest signals. Newest first.</p>
      <div className="table-wrap">
        <table className="data feed-table" aria-live="off">
          <caption className="sr-only">Verdicts, newest first</caption>
          <TableHead columns={['Time', 'From', 'To', 'Verdict, score', { label: 'Signals', className: 'col-wide-only' }]} />
          <tbody>
            {shown.length === 0 && <EmptyRow colSpan={5}>{conn === 'live' ? 'Waiting for mail…' : 'Connecting to the live feed…'}</EmptyRow>}
            {shown.map((i) => (
              <tr key={i.id} className="feed-row">
                <td className="nowrap">{fmtWhen(i.receivedAt, true)}</td>
                <td className="addr">
                  <Link to={`/messages/${encodeURIComponent(i.id)}`}>{i.from ? <Addr value={i.from} /> : '(null sender)'}</Link>
                  <div className="chips narrow-only">
                    {i.signals.map((s) => (
                      <span key={s} className="signal-chip">
                        {s}
                      </span>
                    ))}
                  </div>
                </td>
                <td className="addr">
                  <AddrList values={i.recipients} />
                </td>
                <td className="nowrap">
                  <VerdictBadge action={i.action} /> <ScoreBadge score={i.score} />
                </td>
                <td className="signals-cell col-wide-only">
                  {i.signals.map((s) => (
                    <span key={s} className="signal-chip">
                      {s}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
