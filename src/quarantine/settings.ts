import { z } from 'zod';

/** Local wall-clock time of day, `HH:MM`, 24-hour. */
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour), e.g. "08:00"');

/**
 * The `quarantine` section of the configuration file: how long held mail is kept, and the
 * digest emails that tell each recipient what was held for them.
 */
export const quarantineSchema = z
  .object({
    /** Days a quarantined message's content is kept (from arrival); then only its record and audit trail remain. */
    retentionDays: z.number().int().min(1).default(30),
    /** Base URL of the console, for release-request links in digests (no trailing slash needed). */
    baseUrl: z
      .string()
      .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an absolute http(s) URL such as https://medshield.hospital.example')
      .transform((u) => u.replace(/\/+$/, ''))
      .default('http://localhost:8080'),
    /** Hours a release-request link in a digest stays valid. */
    releaseLinkHours: z.number().int().min(1).max(24 * 30).default(72),
    digest: z
      .object({
        enabled: z.boolean().default(true),
        /** Local times of day digests are sent. */
        at: z.array(timeOfDay).min(1).default(['08:00']),
        /** Sender of digest emails; default quarantine@<first org domain>. */
        from: z.string().min(3).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type QuarantineSettings = z.output<typeof quarantineSchema>;
