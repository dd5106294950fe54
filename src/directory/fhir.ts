import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { registrableDomain } from '../text/domains.ts';
import type { RowError } from './import-errors.ts';
import { personSchema, type DirectoryData, type DirectoryOrganization, type DirectoryPerson } from './model.ts';
import { credentialKey } from './names.ts';
import { npiProblem } from './npi.ts';
import { toE164 } from './phone.ts';
import { personId, type ImportContext } from './roster.ts';

/**
 * HL7 FHIR R4 Bundle → directory records: Practitioner (identifier with the US NPI system,
 * name, telecom, photo, qualification), PractitionerRole (links a practitioner to an
 * Organization and gives the specialty and role telecom) and Organization (name, alias,
 * telecom: phone numbers, and mail domains from e-mail and web addresses). Only the parts
 * the directory uses are validated; everything else in a resource is ignored.
 */

export const US_NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

const coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() }).loose();
const codeableConcept = z.object({ coding: z.array(coding).optional(), text: z.string().optional() }).loose();
const identifier = z.object({ system: z.string().optional(), value: z.string().optional() }).loose();
const contactPoint = z.object({ system: z.string().optional(), value: z.string().optional(), use: z.string().optional() }).loose();
const humanName = z
  .object({
    use: z.string().optional(),
    text: z.string().optional(),
    family: z.string().optional(),
    given: z.array(z.string()).optional(),
    prefix: z.array(z.string()).optional(),
    suffix: z.array(z.string()).optional(),
  })
  .loose();
const attachment = z.object({ contentType: z.string().optional(), data: z.string().optional(), url: z.string().optional() }).loose();
const reference = z.object({ reference: z.string().optional() }).loose();

const practitioner = z
  .object({
    resourceType: z.literal('Practitioner'),
    id: z.string().optional(),
    active: z.boolean().optional(),
    identifier: z.array(identifier).optional(),
    name: z.array(humanName).optional(),
    telecom: z.array(contactPoint).optional(),
    photo: z.array(attachment).optional(),
    qualification: z.array(z.object({ code: codeableConcept }).loose()).optional(),
  })
  .loose();
const practitionerRole = z
  .object({
    resourceType: z.literal('PractitionerRole'),
    practitioner: reference.optional(),
    organization: reference.optional(),
    specialty: z.array(codeableConcept).optional(),
    code: z.array(codeableConcept).optional(),
    telecom: z.array(contactPoint).optional(),
  })
  .loose();
const organization = z
  .object({
    resourceType: z.literal('Organization'),
    id: z.string().optional(),
    name: z.string().optional(),
    alias: z.array(z.string()).optional(),
    telecom: z.array(contactPoint).optional(),
  })
  .loose();

const bundle = z
  .object({
    resourceType: z.literal('Bundle'),
    entry: z.array(z.object({ fullUrl: z.string().optional(), resource: z.object({ resourceType: z.string() }).loose().optional() }).loose()).default([]),
  })
  .loose();

export function isFhirBundle(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { resourceType?: unknown }).resourceType === 'Bundle';
}

export interface ParseResult {
  data: DirectoryData;
  errors: RowError[];
}

export function parseFhirBundle(json: unknown, ctx: ImportContext): ParseResult {
  const errors: RowError[] = [];
  const fail = (row: number | null, column: string, reason: string) => errors.push({ file: ctx.file, row, unit: 'entry', column, reason });
  const b = bundle.safeParse(json);
  if (!b.success) {
    fail(null, b.error.issues[0]?.path.join('.') ?? '', `not a FHIR Bundle: ${b.error.issues[0]?.message}`);
    return { data: { persons: [], organizations: [], knownPhones: [] }, errors };
  }

  // Organisations first, so roles can name them.
  const orgs = new Map<string, DirectoryOrganization>();
  const orgOrder: DirectoryOrganization[] = [];
  b.data.entry.forEach((entry, i) => {
    if (entry.resource?.resourceType !== 'Organization') return;
    const r = organization.safeParse(entry.resource);
    if (!r.success) return fail(i + 1, `Organization.${r.error.issues[0]?.path.join('.')}`, r.error.issues[0]?.message ?? 'invalid');
    if (!r.data.name) return fail(i + 1, 'Organization.name', 'an Organization needs a name');
    const org: DirectoryOrganization = {
      name: r.data.name,
      aliases: r.data.alias ?? [],
      domains: [],
      phones: [],
      kind: ctx.kind === 'partner' ? 'partner' : 'org',
    };
    for (const [j, t] of (r.data.telecom ?? []).entries()) {
      const v = (t.value ?? '').trim();
      if (t.system === 'phone' || t.system === 'fax') {
        if (t.system === 'fax') continue;
        const e164 = toE164(v, ctx.region);
        if (!e164) fail(i + 1, `Organization.telecom[${j}]`, `'${v}' is not a valid phone number`);
        else org.phones.push(e164);
      } else if (t.system === 'email' || t.system === 'url') {
        const d = registrableDomain(v.replace(/^mailto:/i, ''));
        if (!d) fail(i + 1, `Organization.telecom[${j}]`, `no domain in '${v}'`);
        else if (!org.domains.includes(d)) org.domains.push(d);
      }
    }
    for (const key of refKeys('Organization', r.data.id, entry.fullUrl)) orgs.set(key, org);
    orgOrder.push(org);
  });

  const roles = new Map<string, z.output<typeof practitionerRole>[]>();
  b.data.entry.forEach((entry, i) => {
    if (entry.resource?.resourceType !== 'PractitionerRole') return;
    const r = practitionerRole.safeParse(entry.resource);
    if (!r.success) return fail(i + 1, `PractitionerRole.${r.error.issues[0]?.path.join('.')}`, r.error.issues[0]?.message ?? 'invalid');
    const ref = r.data.practitioner?.reference;
    if (!ref) return fail(i + 1, 'PractitionerRole.practitioner', 'a PractitionerRole needs a practitioner reference');
    const orgRef = r.data.organization?.reference;
    if (orgRef && !orgs.has(orgRef)) fail(i + 1, 'PractitionerRole.organization', `'${orgRef}' is not an Organization in this Bundle`);
    roles.set(ref, [...(roles.get(ref) ?? []), r.data]);
  });

  const persons: DirectoryPerson[] = [];
  b.data.entry.forEach((entry, i) => {
    if (entry.resource?.resourceType !== 'Practitioner') return;
    const row = i + 1;
    const r = practitioner.safeParse(entry.resource);
    if (!r.success) return fail(row, `Practitioner.${r.error.issues[0]?.path.join('.')}`, r.error.issues[0]?.message ?? 'invalid');
    const p = r.data;
    if (p.active === false) return;
    const before = errors.length;

    const npis = (p.identifier ?? []).filter((id) => id.system === US_NPI_SYSTEM).map((id) => (id.value ?? '').trim());
    const npi = npis[0] ?? '';
    if (npi) {
      const problem = npiProblem(npi);
      if (problem) fail(row, 'Practitioner.identifier', problem);
    }

    const names = p.name ?? [];
    const official = names.find((n) => n.use === 'official') ?? names.find((n) => n.use !== 'nickname' && n.use !== 'old' && n.use !== 'maiden') ?? names[0];
    if (!official?.family) return fail(row, 'Practitioner.name', 'a Practitioner needs a name with a family name');
    const nicknames = names
      .filter((n) => n !== official && (n.use === 'nickname' || n.use === 'usual'))
      .flatMap((n) => n.given ?? (n.text ? [n.text] : []));
    // FHIR rosters often put credentials in name.suffix ("MD"); those are credentials, not suffixes.
    const credentials = new Set<string>();
    const suffixes: string[] = [];
    for (const s of official.suffix ?? []) {
      const k = credentialKey(s, true);
      if (k) credentials.add(k);
      else suffixes.push(s);
    }
    for (const q of p.qualification ?? []) {
      for (const text of [q.code.text, ...(q.code.coding ?? []).flatMap((c) => [c.code, c.display])]) {
        const k = text ? credentialKey(text, true) : '';
        if (k) {
          credentials.add(k);
          break;
        }
      }
    }

    const ref = refKeys('Practitioner', p.id, entry.fullUrl);
    const myRoles = ref.flatMap((k) => roles.get(k) ?? []);
    const emails: string[] = [];
    const phones: string[] = [];
    const telecom = [...(p.telecom ?? []).map((t, j) => ({ t, path: `Practitioner.telecom[${j}]` })), ...myRoles.flatMap((role) => (role.telecom ?? []).map((t, j) => ({ t, path: `PractitionerRole.telecom[${j}]` })))];
    for (const { t, path } of telecom) {
      const v = (t.value ?? '').trim();
      if (t.system === 'email') {
        const addr = v.replace(/^mailto:/i, '').toLowerCase();
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(addr)) fail(row, path, `'${v}' is not an e-mail address`);
        else if (!emails.includes(addr)) emails.push(addr);
      } else if (t.system === 'phone' || t.system === 'sms') {
        const e164 = toE164(v, ctx.region);
        if (!e164) fail(row, path, `'${v}' is not a valid phone number`);
        else if (!phones.includes(e164)) phones.push(e164);
      }
    }

    const photos: DirectoryPerson['photos'] = [];
    (p.photo ?? []).forEach((ph, j) => {
      const path = `Practitioner.photo[${j}]`;
      if (ph.data) {
        const data = Buffer.from(ph.data, 'base64');
        if (data.length === 0) return fail(row, path, 'photo data is empty or not base64');
        photos.push({ data, contentType: ph.contentType ?? 'application/octet-stream' });
      } else if (ph.url) {
        const file = localPhotoPath(ph.url, ctx.baseDir);
        if (!file) return fail(row, path, `photo url '${ph.url}' is not a local file (remote photos are never fetched)`);
        if (!existsSync(file)) return fail(row, path, `photo file ${file} does not exist`);
        photos.push({ path: file });
      } else fail(row, path, 'a photo needs data or a url');
    });

    const orgRef = myRoles.map((role) => role.organization?.reference).find((o): o is string => !!o && orgs.has(o));
    const specialty = myRoles.flatMap((role) => role.specialty ?? []).map(conceptText).find(Boolean) ?? '';
    if (errors.length > before) return;
    const candidate = {
      id: personId({ npi, family: official.family, given: official.given?.[0] ?? '', sourceId: p.id }),
      prefix: (official.prefix ?? []).join(' '),
      given: (official.given ?? []).join(' '),
      family: official.family,
      suffix: suffixes.join(' '),
      nicknames,
      credentials: [...credentials],
      specialty,
      npi,
      emails,
      phones,
      photos,
      organization: orgRef ? orgs.get(orgRef)!.name : ctx.organization,
      kind: ctx.kind,
    };
    const parsed = personSchema.safeParse(candidate);
    if (!parsed.success) return fail(row, `Practitioner.${parsed.error.issues[0]?.path.join('.')}`, parsed.error.issues[0]?.message ?? 'invalid');
    persons.push(parsed.data);
  });

  return { data: { persons, organizations: orgOrder, knownPhones: [] }, errors };
}

/** The ways a Bundle entry can be referenced: "Practitioner/p1" and its fullUrl. */
function refKeys(type: string, id: string | undefined, fullUrl: string | undefined): string[] {
  return [id ? `${type}/${id}` : '', fullUrl ?? ''].filter(Boolean);
}

function conceptText(c: z.output<typeof codeableConcept>): string {
  return c.text ?? c.coding?.find((x) => x.display)?.display ?? '';
}

function localPhotoPath(url: string, baseDir: string): string | null {
  if (/^file:/i.test(url)) return fileURLToPath(url);
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return null;
  return isAbsolute(url) ? url : resolve(baseDir, url);
}
