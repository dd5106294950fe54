/**
 * Who may do what in the console and API. Four roles, each a fixed set of permissions:
 * a viewer sees counts and metadata but never message content; an auditor reads content
 * (every read audited) and the audit log but changes nothing; an analyst reads and acts on
 * mail; only an admin changes configuration, manages accounts and downloads raw messages.
 */
export const ROLES = ['admin', 'analyst', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'dashboard.read',
  'feed.read',
  'messages.list',
  'messages.content',
  'messages.act',
  'messages.raw',
  'audit.read',
  'directory.read',
  'directory.import',
  'settings.read',
  'settings.write',
  'users.manage',
  'tokens.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const EVERYONE: Permission[] = ['dashboard.read', 'feed.read', 'messages.list', 'directory.read', 'settings.read'];

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(EVERYONE),
  auditor: new Set([...EVERYONE, 'messages.content', 'audit.read']),
  analyst: new Set([...EVERYONE, 'messages.content', 'messages.act']),
  admin: new Set(PERMISSIONS),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => GRANTS[role].has(p));
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'everything: configuration, users and API tokens, raw message downloads',
  analyst: 'reads mail and verdicts, releases, deletes, confirms phish, marks false positives',
  auditor: 'reads mail and verdicts and the audit log; changes nothing',
  viewer: 'dashboard, live feed and message metadata; never message content',
};
