import { constants, gunzipSync } from 'node:zlib';
import { listZip, MemberReadError, readZipEntry, readZipEntryHead, HEAD_BYTES } from './zip.ts';

/**
 * One listing shape for every container we can open without new dependencies: zip, RAR
 * (names only), cabinet (names only), ISO 9660 images, tar and gzip. Formats whose
 * directory is itself compressed (7-Zip, bzip2, xz, zstd, ACE) are reported as opaque.
 */

export interface ArchiveMember {
  name: string;
  /** Declared uncompressed size (a claim by the archive). */
  size: number;
  encrypted: boolean;
  /** The whole member, at most maxBytes (throws MemberReadError past that); absent when the bytes are compressed in a format we do not decode. */
  read?: (maxBytes: number) => Buffer;
  /** The first bytes, cheaply, for sniffing (at most ~2 MiB, all of it inflation work); absent or null when unavailable. */
  head?: () => Buffer | null;
}

export interface ArchiveListing {
  format: string;
  members: ArchiveMember[];
  /** Members the archive declares (can exceed members.length when the listing was capped). */
  declaredMembers: number;
  /** Why we cannot see inside ('' when we can). */
  opaque: string;
  /** The archive's own directory is encrypted (names hidden behind a password). */
  headersEncrypted: boolean;
  /** Why the structure cannot be trusted ('' when fine). */
  damage: string;
  /** The construction of a decompression bomb, in words ('' when none). */
  bombConstruction: string;
}

const empty = (format: string): ArchiveListing => ({
  format,
  members: [],
  declaredMembers: 0,
  opaque: '',
  headersEncrypted: false,
  damage: '',
  bombConstruction: '',
});

export function listArchive(buf: Buffer, sniffedType: string, fileName: string, maxEntries: number): ArchiveListing | null {
  switch (sniffedType) {
    case 'application/zip':
      return zipListing(buf, maxEntries);
    case 'application/x-rar-compressed':
      return rarListing(buf, maxEntries);
    case 'application/vnd.ms-cab-compressed':
      return cabListing(buf, maxEntries);
    case 'application/x-iso9660-image':
      return isoListing(buf, maxEntries);
    case 'application/x-tar':
      return tarListing(buf, maxEntries);
    case 'application/gzip':
      return gzipListing(buf, fileName);
    case 'application/x-7z-compressed':
      return { ...empty('7-Zip archive'), opaque: 'its file list is compressed and is not read without an extra library' };
    case 'application/x-bzip2':
    case 'application/x-xz':
    case 'application/zstd':
      return { ...empty('compressed file'), opaque: 'its compression format is not decoded here' };
    case 'application/x-ace-compressed':
      return { ...empty('ACE archive'), opaque: 'ACE is an obsolete format that mail security tools rarely read' };
    case 'application/x-udf-image':
    case 'application/x-vhd':
    case 'application/x-vhdx':
    case 'application/x-apple-diskimage':
      return { ...empty('disk image'), opaque: 'the disk image file system is not read here' };
    default:
      return null;
  }
}

export function zipListing(buf: Buffer, maxEntries: number): ArchiveListing | null {
  const z = listZip(buf, maxEntries);
  if (!z) return null;
  return {
    ...empty('zip archive'),
    members: z.entries
      .filter((e) => !e.directory)
      .map((e) => ({
        name: e.name,
        size: e.size,
        encrypted: e.encrypted,
        read: (max: number) => readZipEntry(buf, e, max),
        head: () => readZipEntryHead(buf, e),
      })),
    declaredMembers: z.declaredEntries,
    damage: z.damage,
    bombConstruction: z.overlapping ? 'members share the same compressed bytes (overlapping entries)' : '',
  };
}

/** RAR variable-length integer: 7 bits per byte, high bit = more. */
function vint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10 && pos + i < buf.length; i++) {
    const b = buf[pos + i];
    value += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  return [-1, 0];
}

function rarListing(buf: Buffer, maxEntries: number): ArchiveListing {
  const out = empty('RAR archive');
  const isRar5 = buf.length >= 8 && buf[6] === 0x01 && buf[7] === 0x00;
  if (isRar5) {
    let pos = 8;
    for (let guard = 0; guard < maxEntries * 2 + 16 && pos + 7 <= buf.length; guard++) {
      const [headerSize, l1] = vint(buf, pos + 4);
      if (headerSize <= 0 || l1 === 0) break;
      const start = pos + 4 + l1;
      let p = start;
      const [type, l2] = vint(buf, p);
      p += l2;
      const [flags, l3] = vint(buf, p);
      p += l3;
      let extraSize = 0;
      let dataSize = 0;
      if (flags & 1) {
        const [v, l] = vint(buf, p);
        extraSize = v;
        p += l;
      }
      if (flags & 2) {
        const [v, l] = vint(buf, p);
        dataSize = v;
        p += l;
      }
      if (type === 4) {
        out.headersEncrypted = true;
        out.opaque = 'its file list is encrypted';
        return out;
      }
      if (type === 5) break;
      if (type === 2) {
        const [fileFlags, f1] = vint(buf, p);
        p += f1;
        const [size, f2] = vint(buf, p);
        p += f2;
        p += vint(buf, p)[1]; // attributes
        if (fileFlags & 2) p += 4;
        if (fileFlags & 4) p += 4;
        p += vint(buf, p)[1]; // compression info
        p += vint(buf, p)[1]; // host OS
        const [nameLen, f3] = vint(buf, p);
        p += f3;
        const name = buf.subarray(p, p + Math.max(0, nameLen)).toString('utf8');
        const encrypted = rar5ExtraHasEncryption(buf, start + headerSize - extraSize, start + headerSize);
        out.declaredMembers++;
        if ((fileFlags & 1) === 0 && out.members.length < maxEntries) out.members.push({ name, size, encrypted });
      }
      pos = start + headerSize + dataSize;
    }
    return out;
  }
  let pos = 7;
  for (let guard = 0; guard < maxEntries * 2 + 16 && pos + 7 <= buf.length; guard++) {
    const type = buf[pos + 2];
    const flags = buf.readUInt16LE(pos + 3);
    const headSize = buf.readUInt16LE(pos + 5);
    if (headSize < 7) break;
    const addSize = flags & 0x8000 && pos + 11 <= buf.length ? buf.readUInt32LE(pos + 7) : 0;
    if (type === 0x73 && flags & 0x0080) {
      out.headersEncrypted = true;
      out.opaque = 'its file list is encrypted';
      return out;
    }
    if (type === 0x7b) break;
    let packSize = addSize;
    if (type === 0x74 && pos + 32 <= buf.length) {
      const size = buf.readUInt32LE(pos + 11);
      const nameSize = buf.readUInt16LE(pos + 26);
      const high = flags & 0x100;
      const nameAt = pos + (high ? 40 : 32);
      if (high && pos + 40 <= buf.length) packSize += buf.readUInt32LE(pos + 32) * 2 ** 32;
      let raw = buf.subarray(nameAt, nameAt + nameSize);
      // Unicode names are stored as "ascii\0encoded"; the ASCII half is enough to judge an extension.
      const nul = raw.indexOf(0);
      if (nul >= 0) raw = raw.subarray(0, nul);
      const name = raw.toString(flags & 0x200 ? 'utf8' : 'latin1');
      const directory = (flags & 0xe0) === 0xe0;
      out.declaredMembers++;
      if (!directory && out.members.length < maxEntries) out.members.push({ name, size, encrypted: (flags & 0x04) !== 0 });
    }
    pos += headSize + packSize;
  }
  return out;
}

function rar5ExtraHasEncryption(buf: Buffer, from: number, to: number): boolean {
  let p = from;
  for (let guard = 0; guard < 32 && p < to; guard++) {
    const [size, l1] = vint(buf, p);
    if (size <= 0) return false;
    const [type] = vint(buf, p + l1);
    if (type === 1) return true;
    p += l1 + size;
  }
  return false;
}

function cabListing(buf: Buffer, maxEntries: number): ArchiveListing {
  const out = empty('Windows cabinet archive');
  if (buf.length < 36) {
    out.damage = 'the cabinet header is truncated';
    return out;
  }
  const filesAt = buf.readUInt32LE(16);
  const count = buf.readUInt16LE(28);
  out.declaredMembers = count;
  let p = filesAt;
  for (let i = 0; i < count && out.members.length < maxEntries && p + 16 < buf.length; i++) {
    const size = buf.readUInt32LE(p);
    const attribs = buf.readUInt16LE(p + 14);
    const end = buf.indexOf(0, p + 16);
    if (end < 0) break;
    out.members.push({ name: buf.subarray(p + 16, end).toString(attribs & 0x80 ? 'utf8' : 'latin1'), size, encrypted: false });
    p = end + 1;
  }
  return out;
}

function isoListing(buf: Buffer, maxEntries: number): ArchiveListing {
  const out = empty('ISO disk image');
  let root: { extent: number; length: number; blockSize: number; joliet: boolean } | null = null;
  for (let i = 0; i < 32; i++) {
    const d = 0x8000 + i * 2048;
    if (d + 190 > buf.length || buf.subarray(d + 1, d + 6).toString('latin1') !== 'CD001') break;
    const type = buf[d];
    if (type === 255) break;
    const joliet = type === 2 && /^%\/[@CE]/.test(buf.subarray(d + 88, d + 91).toString('latin1'));
    if (type === 1 || joliet) {
      const r = d + 156;
      const candidate = { extent: buf.readUInt32LE(r + 2), length: buf.readUInt32LE(r + 10), blockSize: buf.readUInt16LE(d + 128) || 2048, joliet };
      if (!root || joliet) root = candidate;
    }
  }
  if (!root) {
    out.damage = 'no ISO 9660 volume descriptor';
    return out;
  }
  const { blockSize, joliet } = root;
  const visited = new Set<number>();
  const walk = (extent: number, length: number, prefix: string, depth: number) => {
    if (depth > 8 || visited.has(extent)) return;
    visited.add(extent);
    const start = extent * blockSize;
    const end = Math.min(buf.length, start + length);
    for (let p = start; p < end && out.members.length < maxEntries; ) {
      const len = buf[p];
      if (len === 0) {
        p = start + (Math.floor((p - start) / blockSize) + 1) * blockSize;
        continue;
      }
      if (p + 33 > buf.length) break;
      const nameLen = buf[p + 32];
      const rawName = buf.subarray(p + 33, p + 33 + nameLen);
      const isSelfOrParent = nameLen === 1 && (rawName[0] === 0 || rawName[0] === 1);
      if (!isSelfOrParent) {
        const name = (joliet ? Buffer.from(rawName).swap16().toString('utf16le') : rawName.toString('latin1')).replace(/;\d+$/, '').replace(/\.$/, '');
        const childExtent = buf.readUInt32LE(p + 2);
        const childLength = buf.readUInt32LE(p + 10);
        if (buf[p + 25] & 0x02) {
          walk(childExtent, childLength, `${prefix}${name}/`, depth + 1);
        } else {
          out.declaredMembers++;
          const from = childExtent * blockSize;
          // Files on an ISO are stored plainly; reading one is a slice.
          const slice = (max: number) => {
            if (childLength > max) throw new MemberReadError(`${name} is larger than ${max} bytes`, 'too-large');
            return buf.subarray(from, Math.min(buf.length, from + childLength));
          };
          out.members.push({ name: prefix + name, size: childLength, encrypted: false, read: slice, head: () => buf.subarray(from, Math.min(buf.length, from + childLength, from + HEAD_BYTES)) });
        }
      }
      p += len;
    }
  };
  walk(root.extent, root.length, '', 0);
  return out;
}

function tarListing(buf: Buffer, maxEntries: number): ArchiveListing {
  const out = empty('tar archive');
  let longName = '';
  for (let p = 0; p + 512 <= buf.length && out.members.length < maxEntries; ) {
    const header = buf.subarray(p, p + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => {
      const f = header.subarray(from, from + len);
      const nul = f.indexOf(0);
      return (nul >= 0 ? f.subarray(0, nul) : f).toString('utf8');
    };
    const size = parseInt(field(124, 12).trim() || '0', 8) || 0;
    const type = String.fromCharCode(header[156]);
    const prefix = field(257, 6).startsWith('ustar') ? field(345, 155) : '';
    const name = longName || (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const dataAt = p + 512;
    longName = '';
    if (type === 'L') {
      longName = buf.subarray(dataAt, dataAt + size).toString('utf8').replace(/\0+$/, '');
    } else if (type === '0' || type === '\0' || type === '7') {
      out.declaredMembers++;
      const read = (max: number) => {
        if (size > max) throw new MemberReadError(`${name} is larger than ${max} bytes`, 'too-large');
        return buf.subarray(dataAt, Math.min(buf.length, dataAt + size));
      };
      out.members.push({ name, size, encrypted: false, read, head: () => buf.subarray(dataAt, Math.min(buf.length, dataAt + size, dataAt + HEAD_BYTES)) });
    }
    p = dataAt + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** A gzip file holds one member; its original name is in the header when the compressor kept it. */
function gzipListing(buf: Buffer, fileName: string): ArchiveListing {
  const out = empty('gzip archive');
  const flags = buf[3] ?? 0;
  let p = 10;
  if (flags & 4 && p + 2 <= buf.length) p += 2 + buf.readUInt16LE(p);
  let name = '';
  if (flags & 8) {
    const end = buf.indexOf(0, p);
    if (end > p) name = buf.subarray(p, end).toString('latin1');
  }
  if (!name) name = fileName.replace(/\.t?gz$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : '')) || 'contents';
  const read = (max: number) => {
    try {
      return gunzipSync(buf, { maxOutputLength: Math.max(1, max), finishFlush: constants.Z_SYNC_FLUSH });
    } catch (err) {
      if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new MemberReadError(`${name} expands beyond ${max} bytes`, 'too-large');
      }
      throw new MemberReadError(`${name}: ${(err as Error).message}`, 'corrupt');
    }
  };
  const head = () => {
    try {
      return gunzipSync(buf.subarray(0, 1024), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 2 * 1024 * 1024 });
    } catch {
      return null;
    }
  };
  out.declaredMembers = 1;
  out.members.push({ name, size: buf.length >= 4 ? buf.readUInt32LE(buf.length - 4) : 0, encrypted: false, read, head });
  return out;
}
