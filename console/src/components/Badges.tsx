import { STATUS_LABEL, VERDICT_SHORT } from '../format.ts';

export function VerdictBadge({ action, long }: { action: string; long?: boolean }) {
  const label = long ? ({ tag: 'Delivered with warning' } as Record<string, string>)[action] ?? VERDICT_SHORT[action] : VERDICT_SHORT[action];
  return <span className={`badge verdict-${action}`}>{label ?? action}</span>;
}

export function StatusBadge({ status }: { status: string | null }) {
  if (!status) return null;
  return <span className={`badge status-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

export function ScoreBadge({ score }: { score: number }) {
  return (
    <span className="score" title="Total score of all signals">
      {Math.round(score * 10) / 10}
    </span>
  );
}

export function FeedbackBadge({ kind }: { kind: 'phish' | 'not-phish' | null }) {
  if (!kind) return null;
  return <span className={`badge feedback-${kind}`}>{kind === 'phish' ? 'Confirmed phish' : 'False positive'}</span>;
}
