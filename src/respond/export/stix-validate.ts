import { scoId, type StixBundle, type StixObject } from './stix.ts';

/**
 * Checks a STIX 2.1 bundle against the parts of the specification Medshield's exports use:
 * identifier form, spec_version, timestamps, each object type's required properties, that
 * every `_ref`/`_refs` names an object in the bundle, that observables carry their
 * deterministic ids, that custom observables are backed by an extension-definition, and
 * that indicator patterns are well-formed comparisons. Returns the problems found ([] = valid).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const TYPE = /^(x-)?[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$/;

const SCO_TYPES = new Set(['artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate']);
const SDO_TYPES = new Set(['attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator', 'infrastructure', 'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data', 'opinion', 'report', 'threat-actor', 'tool', 'vulnerability']);
const SRO_TYPES = new Set(['relationship', 'sighting']);
const SMO_TYPES = new Set(['extension-definition', 'language-content', 'marking-definition']);

const REQUIRED: Record<string, string[]> = {
  campaign: ['name'],
  identity: ['name'],
  indicator: ['pattern', 'pattern_type', 'valid_from'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed', 'object_refs'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  'extension-definition': ['name', 'schema', 'version', 'extension_types', 'created_by_ref'],
  'domain-name': ['value'],
  url: ['value'],
  'email-addr': ['value'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'email-message': ['is_multipart'],
};

/** Which properties make up each observable's deterministic id (spec 2.9 and each object's section). */
const ID_CONTRIBUTING: Record<string, string[]> = {
  'domain-name': ['value'],
  url: ['value'],
  'email-addr': ['value'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  'email-message': ['from_ref', 'subject', 'body'],
};

const PATTERN = /^\[([a-z0-9-]+):([A-Za-z0-9_.'-]+) (=|!=|LIKE|MATCHES) '((?:[^'\\]|\\.)*)'\]$/;

export function validateStixBundle(bundle: StixBundle | Record<string, unknown>): string[] {
  const problems: string[] = [];
  const b = bundle as StixBundle;
  if (b.type !== 'bundle') problems.push(`bundle: type is ${String(b.type)}, not "bundle"`);
  if (typeof b.id !== 'string' || !b.id.startsWith('bundle--') || !UUID.test(b.id.slice(8))) problems.push(`bundle: id ${String(b.id)} is not bundle--<UUID>`);
  if (!Array.isArray(b.objects)) return [...problems, 'bundle: objects is not a list'];

  const byId = new Map<string, StixObject>();
  for (const o of b.objects) {
    if (byId.has(o.id)) problems.push(`${o.id}: the id is used twice`);
    byId.set(o.id, o);
  }
  const extensions = new Map(b.objects.filter((o) => o.type === 'extension-definition').map((o) => [o.id, o]));

  const checkRef = (o: StixObject, prop: string, ref: unknown) => {
    if (typeof ref !== 'string') problems.push(`${o.id}: ${prop} is not an identifier`);
    else if (!byId.has(ref)) problems.push(`${o.id}: ${prop} names ${ref}, which is not in the bundle`);
  };

  for (const o of b.objects) {
    const where = typeof o.id === 'string' ? o.id : `(object of type ${String(o.type)})`;
    if (typeof o.type !== 'string' || !TYPE.test(o.type)) {
      problems.push(`${where}: type ${String(o.type)} is not a STIX type name`);
      continue;
    }
    const sep = typeof o.id === 'string' ? o.id.indexOf('--') : -1;
    if (sep < 0 || o.id.slice(0, sep) !== o.type || !UUID.test(o.id.slice(sep + 2))) problems.push(`${where}: id is not ${o.type}--<UUID>`);
    const custom = !SCO_TYPES.has(o.type) && !SDO_TYPES.has(o.type) && !SRO_TYPES.has(o.type) && !SMO_TYPES.has(o.type);
    const isSco = SCO_TYPES.has(o.type) || (custom && !!o.extensions);
    if (!isSco || o.spec_version !== undefined) {
      if (o.spec_version !== '2.1') problems.push(`${where}: spec_version is ${String(o.spec_version)}, not "2.1"`);
    }
    if (!isSco) {
      for (const p of ['created', 'modified']) if (typeof o[p] !== 'string' || !TIMESTAMP.test(o[p] as string)) problems.push(`${where}: ${p} is not a UTC timestamp`);
      if (typeof o.created === 'string' && typeof o.modified === 'string' && o.modified < o.created) problems.push(`${where}: modified is before created`);
    }
    for (const p of REQUIRED[o.type] ?? []) if (o[p] === undefined || o[p] === '' || (Array.isArray(o[p]) && (o[p] as unknown[]).length === 0)) problems.push(`${where}: required property ${p} is missing`);
    if (o.type === 'file' && !o.hashes && !o.name) problems.push(`${where}: a file needs hashes or a name`);
    if (o.type === 'email-message' && typeof o.is_multipart !== 'boolean') problems.push(`${where}: is_multipart must be true or false`);
    if (o.type === 'observed-data') {
      const n = o.number_observed as number;
      if (!Number.isInteger(n) || n < 1 || n > 999_999_999) problems.push(`${where}: number_observed must be 1..999999999`);
      if (typeof o.first_observed === 'string' && typeof o.last_observed === 'string' && o.last_observed < o.first_observed) problems.push(`${where}: last_observed is before first_observed`);
    }
    if (o.type === 'campaign' && typeof o.first_seen === 'string' && typeof o.last_seen === 'string' && o.last_seen < o.first_seen) problems.push(`${where}: last_seen is before first_seen`);

    for (const [k, v] of Object.entries(o)) {
      if (k.endsWith('_ref')) checkRef(o, k, v);
      else if (k.endsWith('_refs')) {
        if (!Array.isArray(v) || v.length === 0) problems.push(`${where}: ${k} must be a non-empty list`);
        else v.forEach((r, i) => checkRef(o, `${k}[${i}]`, r));
      }
    }

    if (o.extensions !== undefined) {
      for (const [extId, ext] of Object.entries(o.extensions as Record<string, { extension_type?: string }>)) {
        if (!extId.startsWith('extension-definition--')) continue;
        const def = extensions.get(extId);
        if (!def) problems.push(`${where}: uses ${extId}, which is not in the bundle`);
        else if (ext.extension_type && !(def.extension_types as string[]).includes(ext.extension_type)) problems.push(`${where}: extension type ${ext.extension_type} is not one ${extId} defines`);
      }
    }
    if (custom && isSco) {
      const ok = Object.entries((o.extensions as Record<string, { extension_type?: string }>) ?? {}).some(([id, e]) => e.extension_type === 'new-sco' && extensions.has(id));
      if (!ok) problems.push(`${where}: a custom observable needs a new-sco extension-definition`);
    }
    const contributing = ID_CONTRIBUTING[o.type];
    if (contributing) {
      const props = Object.fromEntries(contributing.filter((p) => o[p] !== undefined).map((p) => [p, o[p]]));
      if (Object.keys(props).length && scoId(o.type, props) !== o.id) problems.push(`${where}: id is not the deterministic id of its ${contributing.join('/')} (spec 2.9)`);
    }
    if (custom && isSco && o.value !== undefined && scoId(o.type, { value: o.value }) !== o.id) problems.push(`${where}: id is not the deterministic id of its value`);

    if (o.type === 'indicator' && o.pattern_type === 'stix') {
      const m = PATTERN.exec(String(o.pattern));
      if (!m) problems.push(`${where}: pattern ${String(o.pattern)} is not a single STIX comparison`);
      else if (!SCO_TYPES.has(m[1]!) && ![...byId.values()].some((x) => x.type === m[1])) problems.push(`${where}: pattern names object type ${m[1]}, which neither STIX nor this bundle defines`);
    }
    if (o.type === 'relationship') {
      const src = byId.get(String(o.source_ref));
      const dst = byId.get(String(o.target_ref));
      if (o.relationship_type === 'indicates' && src && dst && (src.type !== 'indicator' || !['campaign', 'attack-pattern', 'infrastructure', 'intrusion-set', 'malware', 'threat-actor', 'tool'].includes(dst.type))) {
        problems.push(`${where}: "indicates" must go from an indicator to a campaign or the like (${src.type} → ${dst.type})`);
      }
    }
  }
  return problems;
}
