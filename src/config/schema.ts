import { z } from 'zod';
import { parseLimitsSchema } from '../parse/limits.ts';
import { policySchema } from '../policy/policy.ts';
import { gatewaySchema } from '../gateway/settings.ts';
import { quarantineSchema } from '../quarantine/settings.ts';
import { consoleSchema } from '../api/settings.ts';
import { respondSchema } from '../respond/settings.ts';
import { verifySchema } from '../verify/settings.ts';
import { simulationsSchema } from '../simulations/settings.ts';
import { trainingSchema } from '../training/settings.ts';

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
    /** The web console and API (`medshield serve`, MEDSHIELD_HTTP_PORT): sessions, login protection, exposure assumptions. */
    console: consoleSchema.prefault({}),
    /** Monitor and respond: incidents, campaigns, user reports, herd immunity, pull-back over IMAP, alerts. */
    respond: respondSchema.prefault({}),
    /** Sender verification of requests for sensitive data, and the outbound PHI guard on staff's mail. */
    verify: verifySchema.prefault({}),
    /** Phishing simulations for staff: campaigns, landing and tracking pages, scanner-proof metrics. */
    simulations: simulationsSchema.prefault({}),
    /** Training modules, assignments and reminders, and the per-person risk score. */
    training: trainingSchema.prefault({}),
  })
  .strict();

export type MedshieldConfig = z.output<typeof configSchema>;
export type MedshieldConfigInput = z.input<typeof configSchema>;
