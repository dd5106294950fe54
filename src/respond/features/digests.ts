import { createHmac } from 'node:crypto';
import { FUZZY_KINDS, type Indicator } from './indicators.ts';
import { minhashBands } from './minhash.ts';
import { phashBands } from './phash-bands.ts';

/**
 * Keyed digests of indicator values, for the index of every message's indicators. The key
 * is derived from the message key, so the store alone does not tell which numbers or links
 * were in whose mail (a phone number has too few digits for a plain hash to hide it); the
 * same value still has the same digest, which is all the clustering needs.
 */
export class IndicatorDigester {
  constructor(private readonly secret: Buffer) {}

  digest(kind: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${kind}\u0000${value}`).digest('hex').slice(0, 32);
  }

  /**
   * Index rows of an indicator: fuzzy kinds (MinHash signatures, perceptual hashes) are indexed
   * by their bands, so a near value is found by an exact lookup of any shared band.
   */
  indexRows(i: Indicator): { kind: string; digest: string }[] {
    if (FUZZY_KINDS.has(i.kind)) {
      const bands = i.kind === 'text-minhash' ? minhashBands(i.value) : phashBands(i.value);
      return bands.map((b) => ({ kind: `${i.kind}-band`, digest: this.digest(`${i.kind}-band`, b) }));
    }
    return [{ kind: i.kind, digest: this.digest(i.kind, i.value) }];
  }
}
