import type { PhiAccess, TrainingSettings } from './settings.ts';

/**
 * The per-person risk score: how likely someone is to be the way in, and how much is at stake
 * when they are. 0 (low) to 100 (high). Additive and explainable, so a person and their
 * manager can see why the number is what it is:
 *
 *   (base + clicked×n + submitted×n + replied×n − reported×n − completed modules×n + overdue modules×n)
 *     × exposure[access to PHI], clamped to 0–100
 *
 * Only what a person did counts (scanner fetches never reach these inputs), only within the
 * look-back period, and a submission counts instead of the click that led to it.
 */

export interface RiskInputs {
  phiAccess: PhiAccess;
  /** Simulations in which the person clicked (a person's click, not a scanner's) but did not submit. */
  clicked: number;
  /** Simulations in which the person submitted the landing page's form. */
  submitted: number;
  replied: number;
  reported: number;
  completedModules: number;
  overdueModules: number;
}

export interface RiskScore {
  score: number;
  /** Each part's contribution before the exposure factor, for the explanation. */
  parts: { label: string; points: number }[];
  exposure: number;
  level: 'low' | 'medium' | 'high';
}

export function riskScore(i: RiskInputs, w: TrainingSettings['risk']): RiskScore {
  const parts = [
    { label: 'baseline', points: w.base },
    { label: `clicked in ${i.clicked} simulation(s)`, points: w.clicked * i.clicked },
    { label: `submitted data in ${i.submitted} simulation(s)`, points: w.submitted * i.submitted },
    { label: `replied to ${i.replied} simulation(s)`, points: w.replied * i.replied },
    { label: `reported ${i.reported} simulation(s)`, points: -w.reported * i.reported },
    { label: `completed ${i.completedModules} training module(s)`, points: -w.completedModule * i.completedModules },
    { label: `${i.overdueModules} overdue training module(s)`, points: w.overdueModule * i.overdueModules },
  ].filter((p, n) => n === 0 || p.points !== 0);
  const exposure = w.exposure[i.phiAccess];
  const raw = parts.reduce((s, p) => s + p.points, 0) * exposure;
  const score = Math.round(Math.min(100, Math.max(0, raw)) * 10) / 10;
  return { score, parts, exposure, level: score >= 60 ? 'high' : score >= 30 ? 'medium' : 'low' };
}
