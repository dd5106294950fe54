import { fmtDay, fmtHour, fmtInt, VERDICT_SHORT } from '../format.ts';
import { useWidth } from './useWidth.ts';

/*
 * Two small SVG charts for the dashboard. Written here rather than taken from a charting
 * library: they are a stacked bar and a line over at most 90 points, and a library would
 * be most of the console's bundle. Each chart has a text alternative (a data table).
 */

export interface SeriesPoint {
  t: string;
  deliver: number;
  tag: number;
  hold: number;
  quarantine: number;
  reject: number;
}

const STACK = ['deliver', 'tag', 'hold', 'quarantine', 'reject'] as const;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 44 };

/** An axis step of 1, 2, 2.5 or 5 × 10^k (whole numbers: these are message counts) giving about four intervals. */
function niceScale(v: number): { max: number; step: number } {
  const raw = Math.max(1, v) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = 10 * mag;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  step = Math.max(1, Math.round(step));
  return { max: Math.max(step * Math.ceil(Math.max(1, v) / step), step), step };
}

function xLabel(t: string, bucket: 'hour' | 'day'): string {
  return bucket === 'hour' ? fmtHour(t) : fmtDay(t);
}

function Axes({ width, max, step, n, labelEvery, labels }: { width: number; max: number; step: number; n: number; labelEvery: number; labels: string[] }) {
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const plotW = width - PAD.left - PAD.right;
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += step) ticks.push(v);
  return (
    <g className="axes" aria-hidden="true">
      {ticks.map((v, i) => {
        const y = PAD.top + plotH - (v / max) * plotH;
        return (
          <g key={i}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y} y2={y} className={v === 0 ? 'axis-line' : 'grid-line'} />
            <text x={PAD.left - 6} y={y + 4} textAnchor="end" className="axis-text">
              {fmtInt(v)}
            </text>
          </g>
        );
      })}
      {labels.map((l, i) =>
        i % labelEvery === 0 ? (
          <text key={i} x={PAD.left + (plotW / n) * (i + 0.5)} y={HEIGHT - 8} textAnchor="middle" className="axis-text">
            {l}
          </text>
        ) : null,
      )}
    </g>
  );
}

export function VolumeChart({ series, bucket }: { series: SeriesPoint[]; bucket: 'hour' | 'day' }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const n = Math.max(series.length, 1);
  const { max, step } = niceScale(Math.max(0, ...series.map((p) => STACK.reduce((s, k) => s + p[k], 0))));
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const plotW = width - PAD.left - PAD.right;
  const slot = plotW / n;
  const barW = Math.max(2, Math.min(36, slot * 0.7));
  const labels = series.map((p) => xLabel(p.t, bucket));
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 64))));
  const total = series.reduce((s, p) => s + STACK.reduce((a, k) => a + p[k], 0), 0);
  return (
    <figure className="chart">
      <div ref={ref} className="chart-canvas">
        <svg width={width} height={HEIGHT} role="img" aria-label={`Inbound mail per ${bucket} by verdict, ${fmtInt(total)} messages in all. The table below has the numbers.`}>
          <Axes width={width} max={max} step={step} n={n} labelEvery={labelEvery} labels={labels} />
          {series.map((p, i) => {
            let y = PAD.top + plotH;
            const x = PAD.left + slot * i + (slot - barW) / 2;
            return (
              <g key={p.t}>
                {STACK.map((k) => {
                  const h = (p[k] / max) * plotH;
                  if (h <= 0) return null;
                  y -= h;
                  return (
                    <rect key={k} x={x} y={y} width={barW} height={h} className={`fill-${k}`}>
                      <title>{`${labels[i]}: ${fmtInt(p[k])} ${VERDICT_SHORT[k]!.toLowerCase()}`}</title>
                    </rect>
                  );
                })}
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="legend">
        {STACK.map((k) => (
          <span key={k} className="legend-item">
            <span className={`swatch fill-${k}`} aria-hidden="true" /> {VERDICT_SHORT[k]}
          </span>
        ))}
      </figcaption>
      <details className="chart-data">
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table className="data compact">
            <caption className="sr-only">Inbound mail per {bucket} by verdict</caption>
            <thead>
              <tr>
                <th scope="col">{bucket === 'hour' ? 'Hour' : 'Day'}</th>
                {STACK.map((k) => (
                  <th key={k} scope="col" className="num">
                    {VERDICT_SHORT[k]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {series.map((p, i) => (
                <tr key={p.t}>
                  <th scope="row">{labels[i]}</th>
                  {STACK.map((k) => (
                    <td key={k} className="num">
                      {fmtInt(p[k])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Caught (held, quarantined, rejected) and tagged mail per bucket, as lines. */
export function CaughtChart({ series, bucket }: { series: SeriesPoint[]; bucket: 'hour' | 'day' }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const n = Math.max(series.length, 1);
  const caught = series.map((p) => p.hold + p.quarantine + p.reject);
  const tagged = series.map((p) => p.tag);
  const { max, step } = niceScale(Math.max(0, ...caught, ...tagged));
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const plotW = width - PAD.left - PAD.right;
  const slot = plotW / n;
  const labels = series.map((p) => xLabel(p.t, bucket));
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 64))));
  const pts = (vals: number[]) => vals.map((v, i) => `${(PAD.left + slot * (i + 0.5)).toFixed(1)},${(PAD.top + plotH - (v / max) * plotH).toFixed(1)}`).join(' ');
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  return (
    <figure className="chart">
      <div ref={ref} className="chart-canvas">
        <svg width={width} height={HEIGHT} role="img" aria-label={`Caught mail per ${bucket}: ${fmtInt(sum(caught))} caught and ${fmtInt(sum(tagged))} delivered with a warning.`}>
          <Axes width={width} max={max} step={step} n={n} labelEvery={labelEvery} labels={labels} />
          <polyline points={pts(tagged)} className="line line-tag" />
          <polyline points={pts(caught)} className="line line-caught" />
          {caught.map((v, i) => (
            <circle key={i} cx={PAD.left + slot * (i + 0.5)} cy={PAD.top + plotH - (v / max) * plotH} r={n > 40 ? 1.5 : 3} className="dot-caught">
              <title>{`${labels[i]}: ${fmtInt(v)} caught, ${fmtInt(tagged[i]!)} tagged`}</title>
            </circle>
          ))}
        </svg>
      </div>
      <figcaption className="legend">
        <span className="legend-item">
          <span className="swatch line-swatch-caught" aria-hidden="true" /> Caught (held, quarantined, rejected)
        </span>
        <span className="legend-item">
          <span className="swatch line-swatch-tag" aria-hidden="true" /> Delivered with a warning
        </span>
      </figcaption>
    </figure>
  );
}
