import { SettingError } from './runtime-settings.ts';

/**
 * What one `medshield serve` process does. `all` is the one-machine product; the others split
 * it across processes and machines sharing PostgreSQL and NATS JetStream (docs/scaling.md).
 */
export const ROLES = ['all', 'smtp', 'scanner', 'delivery', 'api'] as const;
export type Role = (typeof ROLES)[number];

export interface RolePlan {
  role: Role;
  /** SMTP listeners (MX and submission). */
  listens: boolean;
  /** Takes messages from the queue and scans them. */
  scans: boolean;
  /** Runs the delivery loop. */
  delivers: boolean;
  /** Background jobs: housekeeping, digests, respond (reports, pull-back, alerts), verification escalations, simulations. */
  jobs: boolean;
  /** The web console and API. */
  console: boolean;
}

export function planFor(role: Role): RolePlan {
  const all = role === 'all';
  return {
    role,
    listens: all || role === 'smtp',
    scans: all || role === 'scanner',
    delivers: all || role === 'delivery',
    jobs: all || role === 'delivery',
    console: all || role === 'api',
  };
}

export function parseRole(value: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new SettingError(`--role: '${value}' is not a role (${ROLES.join(', ')})`);
}

/**
 * A split role only makes sense when every process sees the same store and queue: refuses to
 * start an SMTP front that would journal into a store no scanner reads.
 */
export function checkRoleDeployment(role: Role, o: { sharedStore: boolean; queueUrl: string | null }): void {
  if (role === 'all') return;
  if (!o.sharedStore) throw new SettingError(`--role ${role}: a split deployment needs the shared store (set MEDSHIELD_DATABASE_URL=postgres://…)`);
  if ((role === 'smtp' || role === 'scanner') && !o.queueUrl) throw new SettingError(`--role ${role}: a split deployment needs the shared queue (set MEDSHIELD_QUEUE_URL=nats://…)`);
}
