import { z } from 'zod';

/**
 * The `console` section of the configuration file: the web console and API that
 * `medshield serve` runs on MEDSHIELD_HTTP_PORT, its sessions and login protection, and
 * the assumptions behind the dashboard's exposure estimate.
 */

/** Signals that mark bulk spam rather than an attack on people or data: not counted as exposure avoided. */
export const SPAM_ONLY_SIGNALS = [
  'SPAM_OFFER',
  'OBFUSCATED_SPAM_TERM',
  'CLASSIFIER_SPAM_HIGH',
  'CLASSIFIER_SPAM_MEDIUM',
  'CLASSIFIER_SPAM_LOW',
  'SENDER_FREE_HOSTING',
  'LINK_ONLY_BODY',
  'IMAGE_ONLY_MESSAGE',
  'PRIZE_LURE',
];

export const consoleSchema = z
  .object({
    /** Off: the HTTP port answers only /healthz. */
    enabled: z.boolean().default(true),
    /** PEM files to serve HTTPS; without them plain HTTP (put a TLS-terminating proxy in front, and set trustProxy). */
    tls: z
      .object({ cert: z.string().min(1).optional(), key: z.string().min(1).optional() })
      .strict()
      .refine((t) => !!t.cert === !!t.key, { message: 'give both cert and key, or neither' })
      .prefault({}),
    /** Behind a reverse proxy: take the client address and scheme from X-Forwarded-For / X-Forwarded-Proto. */
    trustProxy: z.boolean().default(false),
    session: z
      .object({
        /** A session unused this long ends. */
        idleMinutes: z.number().int().min(1).max(24 * 60).default(30),
        /** A session ends this long after login, used or not. */
        absoluteHours: z.number().int().min(1).max(24 * 30).default(12),
      })
      .strict()
      .prefault({}),
    login: z
      .object({
        /** Wrong passwords (or codes) in a row that lock an account. */
        maxFailures: z.number().int().min(1).max(100).default(5),
        lockoutMinutes: z.number().int().min(1).max(24 * 60).default(15),
        /** Login attempts per client address per minute (any account). */
        perIpPerMinute: z.number().int().min(1).max(1000).default(10),
      })
      .strict()
      .prefault({}),
    /** How long the console keeps each message's verdict record (metadata; evidence is dropped with the quarantine retention). */
    historyDays: z.number().int().min(1).max(3650).default(400),
    /**
     * Messages analysts label (confirm phish, mark false positive) are kept, encrypted, as
     * training samples for `medshield feedback export` → `medshield train` this many days.
     */
    trainingSampleDays: z.number().int().min(1).max(3650).default(180),
    /**
     * The dashboard's exposure estimate: every caught attack (held, quarantined or rejected,
     * not bulk spam only, not marked a false positive) counts its recipients × the patient
     * records one mailbox can reach × the recovery cost per breached record.
     */
    exposure: z
      .object({
        recordsPerRecipient: z.number().int().min(0).default(1000),
        costPerRecordLow: z.number().min(0).default(300),
        costPerRecordHigh: z.number().min(0).default(400),
        /** Caught messages whose only positive signals are these are spam, not exposure. */
        spamOnlySignals: z.array(z.string().min(1)).default(SPAM_ONLY_SIGNALS),
      })
      .strict()
      .refine((e) => e.costPerRecordLow <= e.costPerRecordHigh, { message: 'costPerRecordLow must not exceed costPerRecordHigh' })
      .prefault({}),
  })
  .strict();

export type ConsoleSettings = z.output<typeof consoleSchema>;
