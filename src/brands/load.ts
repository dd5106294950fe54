import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { BrandPack } from './brand-pack.ts';

const brandSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  sector: z.enum(['healthcare', 'government', 'technology', 'finance', 'shipping', 'retail', 'streaming', 'social', 'other']),
  names: z.array(z.string().min(2)).min(1),
  domains: z.array(z.string().min(3)).min(1),
  phones: z.array(z.string().regex(/^\+\d{6,15}$/)).optional(),
});
export const brandPackSchema = z.object({ brands: z.array(brandSchema) });

let cached: BrandPack | undefined;

/** Loads the shipped brand pack (or another file); validated, cached for the default. */
export function loadBrandPack(file?: string): BrandPack {
  if (!file && cached) return cached;
  const path = file ?? new URL('./brands.json', import.meta.url);
  const pack = brandPackSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  if (!file) cached = pack;
  return pack;
}
