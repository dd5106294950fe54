/**
 * Perceptual hashes: 64-bit fingerprints of what a picture looks like, so that the same
 * photo resized, re-encoded, slightly cropped, brightened or converted between PNG and
 * JPEG still hashes to (nearly) the same bits, and a Hamming distance tells how alike two
 * pictures are.
 *
 * - pHash: the signs of the 8×8 lowest-frequency DCT coefficients of a 32×32 grey
 *   thumbnail against their median (Zauner 2010, the hash behind pHash.org and imagehash).
 * - dHash: whether each of 8×8 grey cells is brighter than its right-hand neighbour; a
 *   different view of the same picture, so requiring both to agree halves chance matches.
 *
 * Written here rather than taken from npm: the packages that exist (imghash, sharp-phash,
 * blockhash-core) each decode the image themselves, while here one decode (image-probe.ts)
 * feeds both hashes and the face gate, and the whole algorithm is forty lines.
 */

export const HASH_SIDE = 32;
const LOW = 8;

/** Hashes as 16 hex digits (64 bits), so they travel through JSON and worker messages unchanged. */
export interface PerceptualHashes {
  phash: string;
  dhash: string;
}

/** cos((2x+1)uπ/2N) for the 32-point DCT-II, rows u < 8 only (the only frequencies kept). */
const COS = (() => {
  const t = new Float64Array(LOW * HASH_SIDE);
  for (let u = 0; u < LOW; u++) for (let x = 0; x < HASH_SIDE; x++) t[u * HASH_SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIDE));
  return t;
})();

/** pHash of a 32×32 grey image (row-major, any numeric scale). */
export function phash64(grey: ArrayLike<number>): string {
  if (grey.length !== HASH_SIDE * HASH_SIDE) throw new RangeError(`pHash needs ${HASH_SIDE}×${HASH_SIDE} pixels, got ${grey.length}`);
  // Separable DCT, low rows first: rows[v][x] = Σy cos(v,y)·grey[y][x], then coeff[v][u] = Σx cos(u,x)·rows[v][x].
  const rows = new Float64Array(LOW * HASH_SIDE);
  for (let v = 0; v < LOW; v++) {
    for (let x = 0; x < HASH_SIDE; x++) {
      let s = 0;
      for (let y = 0; y < HASH_SIDE; y++) s += COS[v * HASH_SIDE + y] * grey[y * HASH_SIDE + x];
      rows[v * HASH_SIDE + x] = s;
    }
  }
  const coeff = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let x = 0; x < HASH_SIDE; x++) s += COS[u * HASH_SIDE + x] * rows[v * HASH_SIDE + x];
      coeff[v * LOW + u] = s;
    }
  }
  // The median leaves out the DC term: it is the mean brightness, far larger than the rest.
  const median = medianOf(Array.from(coeff.subarray(1)));
  return bitsToHex((i) => coeff[i] > median);
}

/** dHash of a 32×32 grey image: area-averaged down to 9×8 cells, each compared with its right neighbour. */
export function dhash64(grey: ArrayLike<number>): string {
  if (grey.length !== HASH_SIDE * HASH_SIDE) throw new RangeError(`dHash needs ${HASH_SIDE}×${HASH_SIDE} pixels, got ${grey.length}`);
  const cells = areaResample(grey, HASH_SIDE, HASH_SIDE, 9, 8);
  return bitsToHex((i) => {
    const row = Math.floor(i / 8);
    const col = i % 8;
    return cells[row * 9 + col] < cells[row * 9 + col + 1];
  });
}

/** Number of differing bits between two 64-bit hex hashes. */
export function hamming(a: string, b: string): number {
  if (a.length !== 16 || b.length !== 16) throw new RangeError('hashes are 16 hex digits');
  return popcount32(parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) + popcount32(parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16));
}

function popcount32(n: number): number {
  let v = n >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function medianOf(values: number[]): number {
  const s = values.sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function bitsToHex(bit: (i: number) => boolean): string {
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let n = 0;
    for (let b = 0; b < 4; b++) n = (n << 1) | (bit(nibble * 4 + b) ? 1 : 0);
    hex += n.toString(16);
  }
  return hex;
}

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Box-filter resampling with fractional cell edges: each output cell averages exactly the
 * input area it covers (of `region`, default the whole plane). The same code shrinks every
 * picture and every crop, so that hashes of the two sides of a comparison are made alike.
 */
export function areaResample(src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number, region: Region = { left: 0, top: 0, width: sw, height: sh }): Float64Array {
  if (region.left < 0 || region.top < 0 || region.width <= 0 || region.height <= 0 || region.left + region.width > sw + 1e-6 || region.top + region.height > sh + 1e-6) {
    throw new RangeError('region outside the image');
  }
  const out = new Float64Array(dw * dh);
  const fx = region.width / dw;
  const fy = region.height / dh;
  for (let oy = 0; oy < dh; oy++) {
    const y0 = region.top + oy * fy;
    const y1 = y0 + fy;
    for (let ox = 0; ox < dw; ox++) {
      const x0 = region.left + ox * fx;
      const x1 = x0 + fx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), sh); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), sw); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += wx * wy * src[y * sw + x];
        }
      }
      out[oy * dw + ox] = sum / (fx * fy);
    }
  }
  return out;
}
