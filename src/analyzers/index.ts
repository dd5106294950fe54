import type { Analyzer } from './analyzer.ts';

/**
 * Every analyzer, in the order they run. Adding an analyzer = its folder + one line here.
 */
export const ANALYZERS: Analyzer[] = [];
