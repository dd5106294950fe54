import type { Permission } from '../users/roles.ts';

/**
 * Which console permissions the simulation and training API asks for. Results and risk
 * scores name people and what they did, so reading them needs the permission that reads
 * message content (admin, analyst, auditor); running campaigns, editing templates and
 * assigning training are actions on mail (admin, analyst); the staff roster is
 * configuration (admin). One place, so dedicated permissions can replace these later.
 */
export const SIMULATION_ACCESS = {
  read: 'messages.content',
  manage: 'messages.act',
  configure: 'settings.write',
} as const satisfies Record<string, Permission>;
