import type { Analyzer, AnalyzerContext, Signal } from '../analyzers/analyzer.ts';
import type { ParsedMessage } from '../parse/message.ts';

/**
 * Runs one analyzer with its config (schema defaults filled in, `overrides` applied)
 * and collects its signals. Weights come from the analyzer's table unless `weights`
 * overrides them; an undeclared signal id is a programming error, reported loudly.
 */
export async function runAnalyzer(
  analyzer: Analyzer,
  msg: ParsedMessage,
  ctx: AnalyzerContext,
  overrides: unknown = {},
  weights: Record<string, number> = {},
): Promise<Signal[]> {
  const config = analyzer.config.parse(overrides ?? {});
  const signals: Signal[] = [];
  const emit = (id: string, evidence: string, factor = 1) => {
    const def = analyzer.signals[id];
    if (!def) throw new Error(`analyzer ${analyzer.id} emitted undeclared signal ${id}`);
    const weight = weights[id] ?? def.weight;
    signals.push({ id, score: round2(weight * factor), evidence, analyzer: analyzer.id });
  };
  await analyzer.analyze(msg, ctx, config, emit);
  return signals;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
