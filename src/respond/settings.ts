import { z } from 'zod';

/**
 * The `respond` section of the configuration file: incidents, campaign clustering, user
 * reports, herd immunity, pull-back of delivered mail over IMAP, alerts and exposure figures.
 * Secrets (IMAP passwords, webhook keys) may be given inline or, better, as `…File` paths
 * to files only the service user can read, so the configuration itself can be shared.
 */

const address = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'not an e-mail address'));

const secret = z
  .object({
    /** The secret itself (avoid: a configuration file is often readable by more people than the secret should be). */
    value: z.string().min(1).optional(),
    /** A file holding the secret (trailing newline ignored). */
    file: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => !!s.value !== !!s.file, { message: 'give exactly one of value or file' });

export type SecretSetting = z.output<typeof secret>;

const imapServer = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(993),
    /** Implicit TLS (993). With false, STARTTLS is used when offered unless `startTls` is false. */
    secure: z.boolean().default(true),
    startTls: z.boolean().default(true),
    /** Check the server certificate (internal IMAP servers often have self-signed ones). */
    verifyCertificate: z.boolean().default(true),
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

export type ImapServerSettings = z.output<typeof imapServer>;

const webhook = z
  .object({
    url: z.string().refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an absolute http(s) URL'),
    /** HMAC-SHA256 key the receiver checks X-Medshield-Signature with. */
    secret,
    /** Event types sent (default: all). */
    events: z.array(z.string().min(1)).default([]),
    /** Attempts before an event is given up on (exponential backoff between them). */
    maxAttempts: z.number().int().min(1).max(50).default(10),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

export type WebhookSettings = z.output<typeof webhook>;

export const respondSchema = z
  .object({
    enabled: z.boolean().default(true),
    incidents: z
      .object({
        /** Verdicts at or above this score open an incident by themselves (0 = never by score). */
        openAtScore: z.number().min(0).default(25),
        /** Any of these signals opens an incident (high-severity findings). */
        openOnSignals: z
          .array(z.string().min(1))
          .default(['ATTACHMENT_EXECUTABLE', 'ARCHIVE_EXECUTABLE', 'HTML_SMUGGLING', 'PDF_LAUNCH', 'ORG_DOMAIN_SPOOF', 'DIRECTORY_PHOTO_FAKE_NAME', 'CALLBACK_NUMBER_MISMATCH']),
        /** Signals from sender verification failing (the verification capability); any opens an incident. */
        verificationFailureSignals: z.array(z.string().min(1)).default(['SENDER_VERIFICATION_FAILED']),
      })
      .strict()
      .prefault({}),
    campaigns: z
      .object({
        /** Messages that must share indicators before they are called a campaign. */
        minMessages: z.number().int().min(2).default(2),
        /** How far back related messages are looked for. */
        windowDays: z.number().int().min(1).max(365).default(30),
        /** Estimated Jaccard similarity (MinHash, word 3-shingles) from which two texts are near-duplicates. */
        textSimilarity: z.number().min(0.5).max(1).default(0.7),
        /** Perceptual-hash bits two images may differ in and still be the same picture (of 64). */
        imageDistance: z.number().int().min(0).max(7).default(6),
        /**
         * An indicator seen in more messages than this outside the campaign, or in its history
         * (mail from before `historyDays` ahead of it), is common — a newsletter platform, a
         * shared link — never the campaign's own: it neither links nor blocks.
         */
        maxOutsideMessages: z.number().int().min(0).default(5),
        historyDays: z.number().int().min(1).max(365).default(7),
        /** Only verdicts from this score on start a campaign by themselves (reports and confirmed phish always may). */
        seedScore: z.number().default(8),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        /** Addresses the gateway takes user reports at (never delivered to a mailbox). */
        addresses: z.array(address).default([]),
        /** Reply to the reporter with thanks and the verdict. */
        reply: z.boolean().default(true),
        /** Sender of replies; default security@<first org domain>. */
        from: address.optional(),
        /** A report mailbox polled over IMAP (a "Report phishing" button or a forwarding rule fills it). */
        imap: imapServer
          .extend({
            user: z.string().min(1),
            password: secret,
            mailbox: z.string().min(1).default('INBOX'),
            /** Processed reports are moved here (created when missing). */
            processedMailbox: z.string().min(1).default('Medshield Processed'),
            pollSeconds: z.number().int().min(5).default(60),
            /** Only your own mail system can put mail in this mailbox: trust the reporter named in each report. */
            trustReporters: z.boolean().default(false),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    herdImmunity: z
      .object({
        enabled: z.boolean().default(true),
        /** Distinct verified reporters of one campaign that contain it: copies pulled, future matches quarantined. */
        reporters: z.number().int().min(1).default(3),
        /** Pull delivered copies when the threshold is reached (else only block future matches). */
        pull: z.boolean().default(true),
        /**
         * The scanner must find the campaign at least this suspicious (its highest verdict or rescan
         * score) before reports alone contain it; below, an analyst decides. Keeps a handful of
         * people reporting a real newsletter from pulling it out of every mailbox.
         */
        minScore: z.number().default(5),
      })
      .strict()
      .prefault({}),
    pullback: z
      .object({
        /**
         * The mail store's IMAP server, reached as a master user (Dovecot `auth_master_user_separator`,
         * e.g. `nurse@hospital.org*medshield`). Without it nothing can be pulled back.
         */
        imap: imapServer
          .extend({
            masterUser: z.string().min(1),
            masterPassword: secret,
            /** Between the mailbox owner and the master user in the login name. */
            separator: z.string().min(1).default('*'),
            /** Mailboxes worked on at once. */
            concurrency: z.number().int().min(1).max(32).default(4),
          })
          .strict()
          .optional(),
        /** move: into `folder` (recoverable); delete: flagged \Deleted and expunged. */
        action: z.enum(['move', 'delete']).default('move'),
        folder: z.string().min(1).default('Medshield Quarantine'),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        webhooks: z.array(webhook).default([]),
        syslog: z
          .object({
            host: z.string().min(1),
            port: z.number().int().min(1).max(65535).default(514),
            protocol: z.enum(['udp', 'tcp']).default('udp'),
            /** RFC 5424 facility number (default 13, log audit). */
            facility: z.number().int().min(0).max(23).default(13),
            appName: z.string().regex(/^[\x21-\x7e]{1,48}$/).default('medshield'),
            /** Private enterprise number for the structured-data id (32473 is the one RFC 5612 reserves for examples). */
            enterpriseId: z.number().int().min(1).default(32473),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    exposure: z
      .object({
        /** Patient records one mailbox can reach (default: the console's exposure setting). */
        recordsPerMailbox: z.number().int().min(0).optional(),
        /** Recovery cost per breached record (defaults: the console's, $300–400 from industry breach reports). */
        costPerRecordLow: z.number().min(0).optional(),
        costPerRecordHigh: z.number().min(0).optional(),
        /** What a stolen medical record fetches on criminal markets (up to $1000 in industry reports). */
        blackMarketPerRecord: z.number().min(0).default(1000),
      })
      .strict()
      .prefault({}),
    /** Days message indicators and the delivery log are kept (pull-back reaches back this far). */
    retentionDays: z.number().int().min(1).max(3650).default(90),
  })
  .strict();

export type RespondSettings = z.output<typeof respondSchema>;
