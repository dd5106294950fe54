import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readImageSize } from './image-size.ts';
import { solidPng } from './fixtures/text-image.ts';

const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u16le = (n: number) => [n & 0xff, n >> 8];
const u16be = (n: number) => [n >> 8, n & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16];
const i32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return [...b];
};

const jfifApp0 = [0xff, 0xe0, ...u16be(16), ...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
const sof = (marker: number, w: number, h: number) => [0xff, marker, ...u16be(17), 8, ...u16be(h), ...u16be(w), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];

const CASES: { name: string; data: Buffer; expect: ReturnType<typeof readImageSize> }[] = [
  { name: 'PNG', data: solidPng(320, 48), expect: { format: 'png', width: 320, height: 48 } },
  { name: 'GIF89a', data: bytes('GIF89a', u16le(468), u16le(60), [0xf7, 0, 0]), expect: { format: 'gif', width: 468, height: 60 } },
  { name: 'GIF87a', data: bytes('GIF87a', u16le(1), u16le(1), [0x80, 0, 0]), expect: { format: 'gif', width: 1, height: 1 } },
  { name: 'baseline JPEG after APP0', data: bytes([0xff, 0xd8], jfifApp0, sof(0xc0, 640, 200), [0xff, 0xd9]), expect: { format: 'jpeg', width: 640, height: 200 } },
  {
    name: 'progressive JPEG after DHT and fill bytes',
    data: bytes([0xff, 0xd8], jfifApp0, [0xff, 0xc4, ...u16be(4), 0, 0], [0xff, 0xff], sof(0xc2, 1024, 768)),
    expect: { format: 'jpeg', width: 1024, height: 768 },
  },
  { name: 'JPEG with no frame header before the scan', data: bytes([0xff, 0xd8], jfifApp0, [0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0]), expect: null },
  { name: 'truncated JPEG', data: bytes([0xff, 0xd8], jfifApp0.slice(0, 10)), expect: null },
  { name: 'BMP, bottom-up', data: bytes('BM', Array(12).fill(0), i32le(40), i32le(300), i32le(120), Array(8).fill(0)), expect: { format: 'bmp', width: 300, height: 120 } },
  { name: 'BMP, top-down', data: bytes('BM', Array(12).fill(0), i32le(40), i32le(300), i32le(-120), Array(8).fill(0)), expect: { format: 'bmp', width: 300, height: 120 } },
  { name: 'WebP VP8X', data: bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [10, 0, 0, 0], [0, 0, 0, 0], u24le(599), u24le(199)), expect: { format: 'webp', width: 600, height: 200 } },
  {
    name: 'WebP VP8L',
    data: bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L', [10, 0, 0, 0], [0x2f], i32le(399 | (99 << 14)), [0, 0, 0, 0, 0]),
    expect: { format: 'webp', width: 400, height: 100 },
  },
  {
    name: 'WebP VP8 (lossy)',
    data: bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ', [10, 0, 0, 0], [0, 0, 0], [0x9d, 0x01, 0x2a], u16le(250), u16le(80), [0, 0]),
    expect: { format: 'webp', width: 250, height: 80 },
  },
  { name: 'PDF is not an image', data: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), expect: null },
  { name: 'too short to tell', data: Buffer.from([0x89, 0x50, 0x4e]), expect: null },
  { name: 'PNG whose first chunk is not IHDR', data: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 0], 'tEXt', Array(8).fill(0)), expect: null },
  { name: 'zero-sized GIF', data: bytes('GIF89a', u16le(0), u16le(0), [0, 0, 0]), expect: null },
];

for (const c of CASES) {
  test(`readImageSize: ${c.name}`, () => {
    assert.deepEqual(readImageSize(c.data), c.expect);
  });
}
