/**
 * The words around a candidate decide most PHI calls: "SSN: 212-48-6617" is a Social
 * Security number, "Order 212-48-6617" is not. These helpers look a bounded distance either
 * side, never across a blank line (a new paragraph is a new context).
 */

/** Up to `n` characters before `start`, cut at the last paragraph break. */
export function textBefore(text: string, start: number, n: number): string {
  const s = text.slice(Math.max(0, start - n), start);
  const cut = s.search(/\n\s*\n(?![\s\S]*\n\s*\n)/);
  return cut >= 0 ? s.slice(cut).replace(/^\n\s*\n/, '') : s;
}

/** Up to `n` characters after `end`, cut at the first paragraph break. */
export function textAfter(text: string, end: number, n: number): string {
  const s = text.slice(end, end + n);
  const cut = s.search(/\n\s*\n/);
  return cut >= 0 ? s.slice(0, cut) : s;
}

/** Whether `re` matches in the `n` characters before `start`. */
export function labelledBefore(text: string, start: number, n: number, re: RegExp): boolean {
  return re.test(textBefore(text, start, n));
}

/** Whether `re` matches in the `n` characters after `end`. */
export function labelledAfter(text: string, end: number, n: number, re: RegExp): boolean {
  return re.test(textAfter(text, end, n));
}

/** Overlap of [a0, a1) and [b0, b1). */
export function overlaps(a0: number, a1: number, b0: number, b1: number): boolean {
  return a0 < b1 && b0 < a1;
}
