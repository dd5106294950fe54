import { z } from 'zod';
import type { StaffMember } from '../training/people.ts';

const address = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'not an e-mail address'));

/**
 * Who a campaign goes to: staff picked by department, role and site (each a list; a person
 * must match every list that is given, any entry within it), plus people named by address,
 * minus exclusions. Nothing given at all means every staff member.
 */
export const audienceSchema = z
  .object({
    departments: z.array(z.string().trim().min(1)).max(200).default([]),
    roles: z.array(z.string().trim().min(1)).max(50).default([]),
    sites: z.array(z.string().trim().min(1)).max(200).default([]),
    emails: z.array(address).max(100_000).default([]),
    exclude: z.array(address).max(100_000).default([]),
  })
  .strict();
export type Audience = z.output<typeof audienceSchema>;
export type AudienceInput = z.input<typeof audienceSchema>;

const norm = (s: string) => s.trim().toLowerCase();

export function selectAudience(staff: readonly StaffMember[], a: Audience): { members: StaffMember[]; unknownEmails: string[] } {
  const matches = (list: string[], value: string) => list.length === 0 || list.map(norm).includes(norm(value));
  const filtered = a.departments.length || a.roles.length || a.sites.length || !a.emails.length;
  const byEmail = new Map(staff.map((m) => [m.email, m]));
  const picked = new Map<string, StaffMember>();
  if (filtered) for (const m of staff) if (matches(a.departments, m.department) && matches(a.roles, m.role) && matches(a.sites, m.site)) picked.set(m.email, m);
  const unknownEmails: string[] = [];
  for (const e of a.emails) {
    const m = byEmail.get(e);
    if (m) picked.set(e, m);
    else unknownEmails.push(e);
  }
  for (const e of a.exclude) picked.delete(e);
  return { members: [...picked.values()], unknownEmails };
}
