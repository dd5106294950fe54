import { basename, dirname, sep } from 'node:path';
import { isCaught } from '../policy/policy.ts';
import type { Verdict } from '../engine/engine.ts';

export const LABELS = ['ham', 'spam', 'phish'] as const;
export type Label = (typeof LABELS)[number];

/** Label and source of a corpus file: the nearest ancestor folder named ham/spam/phish, and that folder's parent. */
export function labelOf(file: string): { label: Label; source: string } | null {
  const parts = dirname(file).split(sep);
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i].toLowerCase();
    if ((LABELS as readonly string[]).includes(p)) {
      return { label: p as Label, source: i > 0 && parts[i - 1] ? basename(parts[i - 1]) : '(root)' };
    }
  }
  return null;
}

export interface Cell {
  source: string;
  label: Label;
  messages: number;
  caught: number;
  tagged: number;
  delivered: number;
  unscannable: number;
  /** Signal id → messages carrying it. */
  signals: Record<string, number>;
  /** For ham: signal id → caught (false-positive) messages carrying it. */
  fpSignals: Record<string, number>;
  /** For ham: the files that were caught, to inspect. */
  fpFiles: string[];
  /** For spam/phish: files delivered untouched, to inspect. */
  missedFiles: string[];
  ms: number[];
}

export interface EvalReport {
  cells: Cell[];
  mode: string;
}

export class EvalAccumulator {
  private readonly cells = new Map<string, Cell>();

  add(file: string, v: Verdict): void {
    const l = labelOf(file);
    if (!l) return;
    const key = `${l.source}\u0000${l.label}`;
    let c = this.cells.get(key);
    if (!c) {
      c = { source: l.source, label: l.label, messages: 0, caught: 0, tagged: 0, delivered: 0, unscannable: 0, signals: {}, fpSignals: {}, fpFiles: [], missedFiles: [], ms: [] };
      this.cells.set(key, c);
    }
    c.messages++;
    c.ms.push(v.ms);
    if (v.unscannable) c.unscannable++;
    const caught = isCaught(v.action);
    if (caught) c.caught++;
    else if (v.action === 'tag') c.tagged++;
    else c.delivered++;
    const ids = new Set(v.signals.map((s) => s.id));
    for (const id of ids) {
      c.signals[id] = (c.signals[id] ?? 0) + 1;
      if (l.label === 'ham' && caught) c.fpSignals[id] = (c.fpSignals[id] ?? 0) + 1;
    }
    if (l.label === 'ham' && caught) c.fpFiles.push(file);
    if (l.label !== 'ham' && v.action === 'deliver') c.missedFiles.push(file);
  }

  report(mode: string): EvalReport {
    const cells = [...this.cells.values()].sort((a, b) => (a.source + a.label).localeCompare(b.source + b.label));
    return { cells, mode };
  }
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(2)}%` : '-');

function top(rec: Record<string, number>, n: number, total: number): string {
  return Object.entries(rec)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([id, k]) => `${id} ${pct(k, total)}`)
    .join(', ');
}

export function formatReport(r: EvalReport): string {
  const header = ['source', 'label', 'messages', 'caught', 'tagged', 'delivered', 'unscannable', 'ham FP'];
  const rows = r.cells.map((c) => [
    c.source,
    c.label,
    String(c.messages),
    `${c.caught} (${pct(c.caught, c.messages)})`,
    `${c.tagged} (${pct(c.tagged, c.messages)})`,
    `${c.delivered} (${pct(c.delivered, c.messages)})`,
    String(c.unscannable),
    c.label === 'ham' ? `${c.caught} (${pct(c.caught, c.messages)})` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cols: string[]) => cols.map((s, i) => s.padEnd(widths[i])).join('  ').trimEnd();
  const out = [`Evaluation (${r.mode}); caught = hold, quarantine or reject (not delivered now)`, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  for (const c of r.cells) {
    out.push(`${c.source}/${c.label}: top signals: ${top(c.signals, 8, c.messages) || '(none)'}`);
    if (c.label === 'ham' && c.caught > 0) out.push(`  false positives caused by: ${top(c.fpSignals, 8, c.caught)}`);
    const sorted = [...c.ms].sort((a, b) => a - b);
    if (sorted.length) out.push(`  scan ms p50 ${sorted[Math.floor(sorted.length * 0.5)]}, p99 ${sorted[Math.floor(sorted.length * 0.99)]}`);
  }
  return `${out.join('\n')}\n`;
}

export function reportJson(r: EvalReport): unknown {
  return {
    mode: r.mode,
    cells: r.cells.map(({ ms, ...c }) => ({
      ...c,
      caughtRate: c.messages ? c.caught / c.messages : 0,
      falsePositiveRate: c.label === 'ham' && c.messages ? c.caught / c.messages : undefined,
      msP50: percentile(ms, 0.5),
      msP99: percentile(ms, 0.99),
    })),
  };
}

function percentile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}
