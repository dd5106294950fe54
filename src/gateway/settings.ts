import { z } from 'zod';

/**
 * The `gateway` section of the configuration file: what `medshield serve` listens on, whom
 * it accepts mail for, where it delivers and how hard it tries. Ports, data directory and
 * relay may also come from the environment (see runtime-settings.ts), which wins.
 */

const port = z.number().int().min(0).max(65535);
const address = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'not an e-mail address'));

/** `scrypt$N$r$p$<salt base64>$<hash base64>`, as `medshield serve --hash-password` prints it. */
export const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

const userSchema = z
  .object({
    /** Login name; usually the user's own address. */
    username: z.string().min(1),
    passwordHash: z.string().regex(SCRYPT_HASH, 'must be an scrypt hash from `medshield serve --hash-password` (never a plain password)'),
    /** Envelope senders this user may use; default: the username when it is an address, else any address in the org's domains. */
    senders: z.array(address).default([]),
  })
  .strict();

export const gatewaySchema = z
  .object({
    /** Name in the SMTP greeting, Received headers and DSNs. */
    hostname: z.string().min(1).default('medshield.localdomain'),
    /** Interface to listen on. */
    listenHost: z.string().default('0.0.0.0'),
    smtpPort: port.default(2525),
    submissionPort: port.default(2587),
    /** Reserved for the console; `medshield serve` answers /healthz there. (0 on any port: a free one is picked.) */
    httpPort: port.default(8080),
    /** Domains mail is accepted for; default: org.domains. Others get 550 (no open relay). */
    acceptedDomains: z.array(z.string().min(1).transform((s) => s.toLowerCase())).default([]),
    /** When given, only these addresses are accepted (550 5.1.1 for other addresses in the accepted domains). */
    acceptedRecipients: z.array(address).default([]),
    /** Largest message accepted, in bytes (announced as SIZE; over it: 552). */
    maxMessageBytes: z.number().int().positive().default(25 * 1024 * 1024),
    maxRecipients: z.number().int().positive().default(100),
    /** How long an SMTP session waits for the verdict after DATA; within it a reject is a 550, past it the message is accepted and quarantined. */
    sessionBudgetMs: z.number().int().positive().default(20_000),
    /** Refuse messages containing a bare LF (SMTP smuggling defence, as Postfix does since 3.9). */
    rejectBareLf: z.boolean().default(true),
    limits: z
      .object({
        maxConnections: z.number().int().positive().default(500),
        maxConnectionsPerIp: z.number().int().positive().default(20),
        messagesPerMinutePerIp: z.number().int().positive().default(1200),
        socketTimeoutMs: z.number().int().positive().default(120_000),
      })
      .strict()
      .prefault({}),
    tls: z
      .object({
        /** PEM files; when absent a self-signed certificate is generated into <dataDir>/tls on first start. */
        cert: z.string().optional(),
        key: z.string().optional(),
      })
      .strict()
      .prefault({}),
    relay: z
      .object({
        /** `host:port` of the downstream MTA; unset (and no MEDSHIELD_RELAY) = local Maildir delivery. */
        target: z.string().optional(),
        /** smtp: another MTA; lmtp: straight into a mail store's LMTP service (Dovecot, Cyrus), which answers per recipient. */
        protocol: z.enum(['smtp', 'lmtp']).default('smtp'),
        /** Refuse to relay without STARTTLS. */
        requireTls: z.boolean().default(false),
        /** Check the relay's certificate (internal MTAs often have self-signed ones, so off by default). */
        verifyCertificate: z.boolean().default(false),
        maxConnections: z.number().int().positive().default(4),
        timeoutMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .prefault({}),
    retry: z
      .object({
        /** First retry delay after a temporary failure; doubles each attempt up to maxDelayMs. */
        initialDelayMs: z.number().int().positive().default(30_000),
        maxDelayMs: z.number().int().positive().default(30 * 60_000),
        /** A delivery still failing temporarily this long after arrival is bounced (DSN), as RFC 5321 4.5.4.1 suggests 4-5 days. */
        giveUpAfterMs: z.number().int().positive().default(5 * 24 * 3600_000),
      })
      .strict()
      .prefault({}),
    /** Scan worker threads; default: one per core. */
    scanWorkers: z.number().int().positive().optional(),
    /** DNS for authentication: the system resolver, none, or a fixture file (the demo uses one). */
    dns: z
      .object({
        mode: z.enum(['system', 'offline', 'fixture']).default('system'),
        fixture: z.string().optional(),
      })
      .strict()
      .refine((d) => d.mode !== 'fixture' || !!d.fixture, { message: 'mode fixture needs a fixture file' })
      .prefault({}),
    submission: z
      .object({
        enabled: z.boolean().default(true),
        users: z.array(userSchema).default([]),
      })
      .strict()
      .prefault({}),
    housekeeping: z
      .object({
        /** How often the quarantine retention purge and the spool sweep run. (Digest times are in the quarantine section.) */
        purgeIntervalMs: z.number().int().positive().default(3600_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type GatewaySettings = z.output<typeof gatewaySchema>;
export type SubmissionUser = z.output<typeof userSchema>;
