export { hamming } from '../../faces/phash.ts';

/**
 * Eight 8-bit slices of a 64-bit perceptual hash. Two hashes within 7 bits of each other
 * agree on at least one slice (pigeonhole), so an exact index on the slices finds every
 * near-identical picture without comparing against every stored hash.
 */
export const MAX_BANDED_DISTANCE = 7;

export function phashBands(hash16: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < 8; i++) out.push(`${i}:${hash16.slice(i * 2, i * 2 + 2)}`);
  return out;
}
