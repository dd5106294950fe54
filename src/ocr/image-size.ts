/**
 * Image type and pixel dimensions from the file header, without decoding a single pixel.
 * Decoding hostile images to measure them would cost what the measurement is meant to save
 * (and decompression bombs are a thing); headers are a few dozen bytes.
 */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp';

export interface ImageSize {
  format: ImageFormat;
  width: number;
  height: number;
}

export function readImageSize(buf: Buffer): ImageSize | null {
  if (buf.length < 10) return null;
  if (isPng(buf)) return png(buf);
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return jpeg(buf);
  if (buf.toString('latin1', 0, 6) === 'GIF87a' || buf.toString('latin1', 0, 6) === 'GIF89a') return gif(buf);
  if (buf[0] === 0x42 && buf[1] === 0x4d) return bmp(buf);
  if (buf.length >= 30 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return webp(buf);
  return null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(buf: Buffer): boolean {
  return PNG_SIGNATURE.every((b, i) => buf[i] === b);
}

function sized(format: ImageFormat, width: number, height: number): ImageSize | null {
  return width > 0 && height > 0 ? { format, width, height } : null;
}

function png(buf: Buffer): ImageSize | null {
  // The first chunk must be IHDR: length(4) "IHDR"(4) width(4) height(4).
  if (buf.length < 24 || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  return sized('png', buf.readUInt32BE(16), buf.readUInt32BE(20));
}

function gif(buf: Buffer): ImageSize | null {
  // Logical screen descriptor right after the 6-byte signature.
  return sized('gif', buf.readUInt16LE(6), buf.readUInt16LE(8));
}

function bmp(buf: Buffer): ImageSize | null {
  if (buf.length < 26) return null;
  const dibSize = buf.readUInt32LE(14);
  // OS/2 BITMAPCOREHEADER has 16-bit dimensions; every later header has signed 32-bit ones
  // (a negative height means a top-down bitmap).
  if (dibSize === 12) return sized('bmp', buf.readUInt16LE(18), buf.readUInt16LE(20));
  if (dibSize < 40) return null;
  return sized('bmp', Math.abs(buf.readInt32LE(18)), Math.abs(buf.readInt32LE(22)));
}

function webp(buf: Buffer): ImageSize | null {
  const chunk = buf.toString('latin1', 12, 16);
  if (chunk === 'VP8X') {
    // Extended format: 24-bit canvas width-1 and height-1.
    return sized('webp', buf.readUIntLE(24, 3) + 1, buf.readUIntLE(27, 3) + 1);
  }
  if (chunk === 'VP8 ') {
    // Lossy: key frame start code 9d 01 2a, then 14-bit width and height.
    if (buf[23] !== 0x9d || buf[24] !== 0x01 || buf[25] !== 0x2a) return null;
    return sized('webp', buf.readUInt16LE(26) & 0x3fff, buf.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2f, then width-1 and height-1 as two 14-bit fields.
    if (buf[20] !== 0x2f) return null;
    const bits = buf.readUInt32LE(21);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  return null;
}

function jpeg(buf: Buffer): ImageSize | null {
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return null;
    let marker = buf[i + 1];
    // Markers may be preceded by any number of 0xff fill bytes.
    while (marker === 0xff && i + 2 < buf.length) {
      i++;
      marker = buf[i + 1];
    }
    i += 2;
    // Stand-alone markers carry no length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (marker === 0xd9 || marker === 0xda) return null; // EOI / start of scan: no frame header seen
    if (i + 2 > buf.length) return null;
    const length = buf.readUInt16BE(i);
    if (length < 2) return null;
    // SOF0…SOF15 hold the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 7 > buf.length) return null;
      return sized('jpeg', buf.readUInt16BE(i + 5), buf.readUInt16BE(i + 3));
    }
    i += length;
  }
  return null;
}
