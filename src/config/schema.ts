import { z } from 'zod';
import { parseLimitsSchema } from '../parse/limits.ts';
import { policySchema } from '../policy/policy.ts';
import { gatewaySchema } from '../gateway/settings.ts';
import { quarantineSchema } from '../quarantine/settings.ts';

const domain = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/\.$/, ''))
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'not a domain name'));

export const configSchema = z
  .object({
    org: z
      .object({
        name: z.string().default(''),
        /** The organisation's own mail domains. */
        domains: z.array(domain).default([]),
        /** Verified partner organisations: mail from them (authenticated) is trusted more. */
        partners: z.array(z.object({ name: z.string().min(1), domains: z.array(domain).min(1) }).strict()).default([]),
      })
      .strict()
      .default({ name: '', domains: [], partners: [] }),
    authentication: z
      .object({
        /** authserv-ids whose Authentication-Results headers are trusted (your own upstream MTAs only). */
        trustedAuthservIds: z.array(z.string().min(1)).default([]),
        /** Name Medshield uses as its own authserv-id. */
        authservId: z.string().default('medshield'),
        timeoutMs: z.number().int().positive().default(5000),
      })
      .strict()
      .default({ trustedAuthservIds: [], authservId: 'medshield', timeoutMs: 5000 }),
    limits: parseLimitsSchema.default(parseLimitsSchema.parse({})),
    policy: policySchema.default(policySchema.parse({})),
    brands: z
      .object({
        /** A brand pack file replacing the shipped one. */
        file: z.string().optional(),
      })
      .strict()
      .default({}),
    /** The provider directory the clinician-impersonation and callback-number analyzers check claims against. */
    directory: z
      .object({
        /** A directory file (YAML/JSON), FHIR Bundle, roster CSV, or a Medshield store (SQLite) with an imported directory. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Per-analyzer sections, keyed by analyzer id; each validated by that analyzer's own schema. */
    analyzers: z.record(z.string(), z.unknown()).default({}),
    /** The mail gateway (`medshield serve`): listeners, delivery, retries. */
    gateway: gatewaySchema.prefault({}),
    /** Quarantine retention and recipients' digest emails. */
    quarantine: quarantineSchema.prefault({}),
  })
  .strict();

export type MedshieldConfig = z.output<typeof configSchema>;
export type MedshieldConfigInput = z.input<typeof configSchema>;
