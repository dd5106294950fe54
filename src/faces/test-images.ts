import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { MemoryDirectory } from '../directory/directory.ts';
import { demoDirectoryData } from '../directory/test-fixtures.ts';

/**
 * Images for the faces tests and benchmark: the committed headshot fixtures and their
 * transformed copies, and pictures without faces (logos, charts, a scanned letter) drawn
 * here with sharp, so that no test depends on anything but this repository.
 */

export const DEMO_PHOTOS = fileURLToPath(new URL('../../fixtures/demo-org/photos/', import.meta.url));
export const FACE_FIXTURES = fileURLToPath(new URL('../../test/fixtures/faces/', import.meta.url));

export const PHOTO_IDS = Array.from({ length: 13 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);

export const directoryPhoto = (id: string): Buffer => readFileSync(`${DEMO_PHOTOS}${id}.jpg`);
export const resizedCopy = (id: string): Buffer => readFileSync(`${FACE_FIXTURES}${id}-resized.jpg`);
export const croppedCopy = (id: string): Buffer => readFileSync(`${FACE_FIXTURES}${id}-cropped.png`);
export const stranger = (n: 1 | 2): Buffer => readFileSync(`${FACE_FIXTURES}stranger-${n}.jpg`);

/** A clinic logo: a cross and the name, in two blues on white. */
export function logoPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="120">
    <rect width="360" height="120" fill="#ffffff"/>
    <rect x="24" y="44" width="56" height="20" fill="#1f5fa8"/><rect x="42" y="26" width="20" height="56" fill="#1f5fa8"/>
    <text x="100" y="62" font-family="sans-serif" font-size="30" font-weight="bold" fill="#1f5fa8">Riverside</text>
    <text x="100" y="92" font-family="sans-serif" font-size="18" fill="#5b8fd1">Family Clinic</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A bar chart with axes, labels and a warm accent colour (the kind of picture newsletters carry). */
export function chartJpeg(): Promise<Buffer> {
  const bars = [120, 200, 160, 260, 220, 300]
    .map((h, i) => `<rect x="${70 + i * 85}" y="${350 - h}" width="50" height="${h}" fill="${i % 2 ? '#2e8b57' : '#4169e1'}"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
    <rect width="600" height="400" fill="#ffffff"/>${bars}
    <line x1="50" y1="350" x2="580" y2="350" stroke="#333" stroke-width="2"/><line x1="50" y1="30" x2="50" y2="350" stroke="#333" stroke-width="2"/>
    <polyline points="95,240 180,160 265,200 350,100 435,140 520,60" fill="none" stroke="#e8a33d" stroke-width="4"/>
    <text x="300" y="385" text-anchor="middle" font-family="sans-serif" font-size="16" fill="#333">Flu vaccinations per month</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** A scanned letter: grey text lines on white. */
export function letterPng(): Promise<Buffer> {
  const lines = Array.from({ length: 18 }, (_, i) => `<rect x="60" y="${80 + i * 34}" width="${380 + ((i * 53) % 90)}" height="10" fill="#444"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#fafafa"/>${lines}</svg>`;
  return sharp(Buffer.from(svg)).greyscale().png().toBuffer();
}

/** A 1×1 transparent GIF-sized tracking pixel (as PNG). */
export function trackingPixel(): Promise<Buffer> {
  return sharp({ create: { width: 1, height: 1, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
}

/**
 * A promotional flyer: a coloured panel with text and the headshot set into it, the way a
 * campaign reuses a doctor's portrait. The picture as a whole is new (no hash matches it);
 * only the face is the same.
 */
export async function flyerWith(headshot: Buffer): Promise<Buffer> {
  const portrait = await sharp(headshot).resize(200, 250).toBuffer();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
    <rect width="640" height="360" fill="#0b4f6c"/>
    <text x="30" y="80" font-family="sans-serif" font-size="34" font-weight="bold" fill="#ffffff">Same-day visits</text>
    <text x="30" y="125" font-family="sans-serif" font-size="22" fill="#d9f0ff">Book now with our specialists</text>
    <rect x="30" y="250" width="260" height="56" rx="10" fill="#f6ae2d"/>
    <text x="160" y="286" text-anchor="middle" font-family="sans-serif" font-size="22" fill="#0b4f6c">Call today</text>
  </svg>`;
  return sharp(Buffer.from(svg))
    .composite([{ input: portrait, left: 400, top: 55 }])
    .jpeg({ quality: 82 })
    .toBuffer();
}

/** Bytes that start like a JPEG and then stop making sense. */
export function corruptJpeg(): Buffer {
  const real = directoryPhoto('p01');
  const broken = Buffer.from(real.subarray(0, 600));
  broken.fill(0x5a, 300);
  return broken;
}

/**
 * The test directory of src/directory/test-fixtures.ts (St. Mary's Health and Lakeside
 * Cardiology) with photos: those of fixtures/demo-org for the same people, and p13 for the
 * partner cardiologist Dr. Alan Brooks.
 */
export function directoryWithPhotos(): MemoryDirectory {
  const data = demoDirectoryData();
  const photos: Record<string, string> = { Carter: 'p01', Núñez: 'p02', Hale: 'p03', Raman: 'p04', Müller: 'p05', "O'Connor": 'p07', Brooks: 'p13' };
  for (const p of data.persons) {
    const id = photos[p.family];
    if (id) p.photos = [{ path: `${DEMO_PHOTOS}${id}.jpg` }];
  }
  return new MemoryDirectory(data);
}
