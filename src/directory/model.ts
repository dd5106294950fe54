import { z } from 'zod';

/**
 * The provider directory's records, validated with zod wherever they enter (import files,
 * the store, directory files given to `scan --directory`). Everything past the boundary
 * works with the inferred types.
 */

/** A phone number in E.164 ("+16175550100"); importers convert written forms first. */
export const e164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'not an E.164 phone number (+ and 7 to 15 digits)');

const emailSchema = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'not an e-mail address'));

const domainSchema = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/\.$/, ''))
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'not a domain name'));

/** A photo is a file (absolute path once loaded) or the bytes themselves (FHIR `photo.data`, the store). */
export const photoSchema = z.union([
  z.object({ path: z.string().min(1) }).strict(),
  z.object({ data: z.instanceof(Buffer), contentType: z.string().min(1) }).strict(),
]);
export type DirectoryPhoto = z.output<typeof photoSchema>;

export const personSchema = z
  .object({
    /** Stable id: the FHIR Practitioner id, else `npi-<NPI>`, else derived from the name. */
    id: z.string().min(1),
    prefix: z.string().default(''),
    given: z.string().default(''),
    family: z.string().min(1, 'a family (last) name is required'),
    suffix: z.string().default(''),
    /** Names the person goes by ("Liz" for Elizabeth), beyond the built-in nickname table. */
    nicknames: z.array(z.string().min(1)).default([]),
    /** Post-nominal credentials, upper-case without dots: MD, DO, NP, PA-C, RN. */
    credentials: z.array(z.string().min(1)).default([]),
    specialty: z.string().default(''),
    /** National Provider Identifier (10 digits, valid check digit), '' when not known. */
    npi: z.string().default(''),
    emails: z.array(emailSchema).default([]),
    phones: z.array(e164Schema).default([]),
    photos: z.array(photoSchema).default([]),
    /** Name of the organisation the person works for (matches a DirectoryOrganization name). */
    organization: z.string().default(''),
    kind: z.enum(['internal', 'partner']).default('internal'),
  })
  .strict();
export type DirectoryPerson = z.output<typeof personSchema>;
export type DirectoryPersonInput = z.input<typeof personSchema>;

export const organizationSchema = z
  .object({
    name: z.string().min(1),
    /** Other names the organisation is known by ("St Mary's", "Saint Mary's Hospital"). */
    aliases: z.array(z.string().min(1)).default([]),
    /** Mail domains (registrable domains) the organisation sends from. */
    domains: z.array(domainSchema).default([]),
    phones: z.array(e164Schema).default([]),
    /** 'org': the organisation Medshield protects; 'partner': a verified partner organisation. */
    kind: z.enum(['org', 'partner']).default('org'),
  })
  .strict();
export type DirectoryOrganization = z.output<typeof organizationSchema>;
export type DirectoryOrganizationInput = z.input<typeof organizationSchema>;

export const knownPhoneSchema = z
  .object({
    e164: e164Schema,
    /** Whose number it is, as shown in evidence ("St. Mary's nurse advice line"). */
    label: z.string().min(1),
  })
  .strict();
export type KnownPhone = z.output<typeof knownPhoneSchema>;

/** Everything a directory holds except the NPPES index (which lives in SQLite only). */
export interface DirectoryData {
  persons: DirectoryPerson[];
  organizations: DirectoryOrganization[];
  knownPhones: KnownPhone[];
}

export function emptyDirectoryData(): DirectoryData {
  return { persons: [], organizations: [], knownPhones: [] };
}

/** "Dr. Jane Q. Smith, MD" as people write it, for evidence and listings. */
export function displayName(p: Pick<DirectoryPerson, 'prefix' | 'given' | 'family' | 'suffix' | 'credentials'>): string {
  const core = [p.prefix, p.given, p.family, p.suffix].filter(Boolean).join(' ');
  return p.credentials.length ? `${core}, ${p.credentials.join(', ')}` : core;
}
