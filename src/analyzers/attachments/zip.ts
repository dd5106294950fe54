import { constants, inflateRawSync } from 'node:zlib';

/**
 * A small zip reader working from the central directory: names, sizes and flags come for
 * free, and nothing is inflated unless a caller asks for one member, under a byte cap.
 * (fflate's unzip inflates every member it is handed, which is what a bomb guard must avoid.)
 */

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  /** Uncompressed size as declared by the archive (an attacker-controlled claim). */
  size: number;
  localOffset: number;
  encrypted: boolean;
  directory: boolean;
}

export interface ZipListing {
  entries: ZipEntry[];
  /** Entries declared by the archive (may exceed entries.length when the listing was capped). */
  declaredEntries: number;
  /** Why the listing is not trustworthy ('' when it is): no central directory, overlapping members… */
  damage: string;
  /** Several members share compressed bytes: the construction of non-recursive zip bombs. */
  overlapping: boolean;
}

export class MemberReadError extends Error {
  constructor(
    message: string,
    readonly reason: 'too-large' | 'encrypted' | 'unsupported' | 'corrupt',
  ) {
    super(message);
  }
}

/** Enough of a file to sniff every magic we know, including the ISO 9660 descriptor at 32 KiB. */
export const HEAD_BYTES = 0x8810;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

export function listZip(buf: Buffer, maxEntries: number): ZipListing | null {
  const eocd = findEocd(buf);
  if (eocd < 0) return scanLocalHeaders(buf, maxEntries);
  let declared = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if ((declared === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const z64 = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    if (z64 + 56 <= buf.length && buf.readUInt32LE(z64) === ZIP64_EOCD) {
      declared = Number(buf.readBigUInt64LE(z64 + 32));
      cdSize = Number(buf.readBigUInt64LE(z64 + 40));
      cdOffset = Number(buf.readBigUInt64LE(z64 + 48));
    }
  }
  // Data prepended to the archive (self-extractors, junk added to dodge scanners) shifts every offset.
  let shift = 0;
  if (cdOffset + 4 > buf.length || buf.readUInt32LE(cdOffset) !== CENTRAL) {
    const actual = eocd - cdSize;
    if (actual < 0 || actual + 4 > buf.length || buf.readUInt32LE(actual) !== CENTRAL) {
      return declared === 0 ? { entries: [], declaredEntries: 0, damage: '', overlapping: false } : scanLocalHeaders(buf, maxEntries);
    }
    shift = actual - cdOffset;
  }

  const entries: ZipEntry[] = [];
  let pos = cdOffset + shift;
  while (entries.length < maxEntries && pos + 46 <= buf.length && buf.readUInt32LE(pos) === CENTRAL) {
    const flags = buf.readUInt16LE(pos + 8);
    const method = buf.readUInt16LE(pos + 10);
    let compressedSize = buf.readUInt32LE(pos + 20);
    let size = buf.readUInt32LE(pos + 24);
    const nameLen = buf.readUInt16LE(pos + 28);
    const extraLen = buf.readUInt16LE(pos + 30);
    const commentLen = buf.readUInt16LE(pos + 32);
    let localOffset = buf.readUInt32LE(pos + 42);
    const nameBytes = buf.subarray(pos + 46, pos + 46 + nameLen);
    const name = flags & 0x800 ? nameBytes.toString('utf8') : nameBytes.toString('latin1');
    const extra = buf.subarray(pos + 46 + nameLen, pos + 46 + nameLen + extraLen);
    const z64 = zip64Extra(extra);
    if (z64) {
      let i = 0;
      if (size === 0xffffffff && i + 8 <= z64.length) (size = Number(z64.readBigUInt64LE(i))), (i += 8);
      if (compressedSize === 0xffffffff && i + 8 <= z64.length) (compressedSize = Number(z64.readBigUInt64LE(i))), (i += 8);
      if (localOffset === 0xffffffff && i + 8 <= z64.length) localOffset = Number(z64.readBigUInt64LE(i));
    }
    entries.push({
      name,
      flags,
      method,
      compressedSize,
      size,
      localOffset: localOffset + shift,
      // Bit 0: traditional or AES encryption; method 99 is WinZip AES.
      encrypted: (flags & 1) === 1 || method === 99,
      directory: name.endsWith('/') || name.endsWith('\\'),
    });
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return { entries, declaredEntries: Math.max(declared, entries.length), damage: '', overlapping: findOverlap(entries) };
}

function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf[i] === 0x50 && buf.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

function zip64Extra(extra: Buffer): Buffer | null {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 0x0001) return extra.subarray(i + 4, i + 4 + len);
    i += 4 + len;
  }
  return null;
}

function findOverlap(entries: ZipEntry[]): boolean {
  const spans = entries
    .filter((e) => !e.directory && e.compressedSize > 0)
    .map((e) => [e.localOffset, e.localOffset + 30 + e.compressedSize] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) return true;
  return false;
}

/** No central directory (truncated or deliberately broken): list what the local headers say. */
function scanLocalHeaders(buf: Buffer, maxEntries: number): ZipListing | null {
  const entries: ZipEntry[] = [];
  let pos = buf.indexOf('PK\x03\x04', 0, 'latin1');
  while (pos >= 0 && entries.length < maxEntries && pos + 30 <= buf.length) {
    const flags = buf.readUInt16LE(pos + 6);
    const method = buf.readUInt16LE(pos + 8);
    const nameLen = buf.readUInt16LE(pos + 26);
    const extraLen = buf.readUInt16LE(pos + 28);
    const dataStart = pos + 30 + nameLen + extraLen;
    const next = buf.indexOf('PK\x03\x04', dataStart, 'latin1');
    let compressedSize = buf.readUInt32LE(pos + 18);
    if (compressedSize === 0 || compressedSize === 0xffffffff || dataStart + compressedSize > buf.length) {
      compressedSize = (next >= 0 ? next : buf.length) - dataStart;
    }
    const nameBytes = buf.subarray(pos + 30, pos + 30 + nameLen);
    const name = flags & 0x800 ? nameBytes.toString('utf8') : nameBytes.toString('latin1');
    entries.push({
      name,
      flags,
      method,
      compressedSize: Math.max(0, compressedSize),
      size: buf.readUInt32LE(pos + 22),
      localOffset: pos,
      encrypted: (flags & 1) === 1 || method === 99,
      directory: name.endsWith('/'),
    });
    pos = next;
  }
  if (entries.length === 0) return null;
  return { entries, declaredEntries: entries.length, damage: 'the central directory is missing or broken', overlapping: false };
}

function entryData(buf: Buffer, e: ZipEntry): Buffer {
  const p = e.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL) throw new MemberReadError(`${e.name}: local header missing`, 'corrupt');
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  return buf.subarray(start, Math.min(buf.length, start + e.compressedSize));
}

/** Whole member, at most `maxBytes` of it; throws MemberReadError('too-large') past that, never inflating further. */
export function readZipEntry(buf: Buffer, e: ZipEntry, maxBytes: number): Buffer {
  if (e.encrypted) throw new MemberReadError(`${e.name} is encrypted`, 'encrypted');
  const data = entryData(buf, e);
  if (e.method === 0) {
    if (data.length > maxBytes) throw new MemberReadError(`${e.name} is larger than ${maxBytes} bytes`, 'too-large');
    return data;
  }
  if (e.method !== 8) throw new MemberReadError(`${e.name} uses compression method ${e.method}`, 'unsupported');
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes), finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new MemberReadError(`${e.name} expands beyond ${maxBytes} bytes`, 'too-large');
    }
    throw new MemberReadError(`${e.name}: ${(err as Error).message}`, 'corrupt');
  }
}

/**
 * The first bytes of a member, for magic-number sniffing. Only a short prefix of the
 * compressed data is inflated, so the cost is bounded whatever the member claims.
 */
export function readZipEntryHead(buf: Buffer, e: ZipEntry, wanted = HEAD_BYTES): Buffer | null {
  // `wanted` bounds stored members only; inflated output is bounded by the 1 KiB input cap.
  if (e.encrypted) return null;
  let data: Buffer;
  try {
    data = entryData(buf, e);
  } catch {
    return null;
  }
  if (e.method === 0) return data.subarray(0, wanted);
  if (e.method !== 8) return null;
  try {
    // 1 KiB of deflate input yields at most ~1 MiB, so a sniff costs little even on a bomb.
    const out = inflateRawSync(data.subarray(0, 1024), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 2 * 1024 * 1024 });
    // Returned whole (not cut to `wanted`) so callers can charge the real inflation work to their budget.
    return out.length > wanted ? out : out.subarray(0, wanted);
  } catch {
    return null;
  }
}
