import { z } from 'zod';
import { DEFAULT_EXTRACT_LIMITS } from './extract/limits.ts';

/**
 * The `verify` section of the configuration file: sender verification of inbound requests
 * for sensitive data, and the outbound PHI guard on mail staff send through the submission
 * listener.
 */

const domain = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/\.$/, ''))
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'not a domain name'));

const regexSource = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return s.length > 0 && !new RegExp(`^(?:${s})$`).test('');
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression (or it matches the empty string)' },
);

export const verifySchema = z
  .object({
    enabled: z.boolean().default(true),
    inbound: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * The least that happens to a request for sensitive data from an external sender who
         * is not a verified partner or contact: delivered with a banner naming the number on
         * record to call (tag), or held until verified (hold). The policy may do more (its
         * default rule holds such requests from 5 points on); either way a verification task
         * is opened, and mail the scanner quarantines stays quarantined.
         */
        action: z.enum(['hold', 'tag']).default('tag'),
        /** Signals that mean "asks for sensitive data" (PHI, identity and member numbers, credentials, bank-detail changes). */
        solicitationSignals: z.array(z.string().min(1)).default(['PHI_SOLICITATION', 'CREDENTIAL_REQUEST', 'PAYMENT_LURE']),
      })
      .strict()
      .prefault({}),
    outbound: z
      .object({
        enabled: z.boolean().default(true),
        /** Partner domains PHI may go to only over TLS; held unless the relay hop enforces TLS (gateway.relay.requireTls). */
        requireTlsTo: z.array(domain).default([]),
        /** An attachment that may hold PHI but cannot be read (encrypted, an archive, too large, timed out) counts as PHI. */
        holdUnreadable: z.boolean().default(true),
        /** Held outbound mail not verified within this many hours is returned to its sender (never left to expire). */
        returnAfterHours: z.number().positive().default(72),
      })
      .strict()
      .prefault({}),
    tasks: z
      .object({
        /** Owner of new tasks (a console user name or a team name). */
        owner: z.string().min(1).default('security'),
        /** Hours until a task is due. */
        dueHours: z.number().positive().default(4),
        /** Who an overdue task is escalated to; each further `dueHours` overdue escalates again. */
        escalateTo: z.string().min(1).default('security-lead'),
        /** Mail escalations here as well (optional). */
        escalationAddress: z.string().email().optional(),
      })
      .strict()
      .prefault({}),
    contacts: z
      .object({
        /** Days a sender verified by phone stays a verified contact. */
        days: z.number().int().min(1).max(3650).default(180),
      })
      .strict()
      .prefault({}),
    phi: z
      .object({
        /** The organisation's MRN formats as regular expressions (whole words, case-sensitive), e.g. "SMH\\d{7}". */
        mrnPatterns: z.array(regexSource).default([]),
        /** Extra labels that introduce an MRN ("Unit No", "Hospital ID"). */
        mrnLabels: z.array(z.string().min(2)).default([]),
        /** Characters of body and attachment text searched per source. */
        maxChars: z.number().int().positive().default(2_000_000),
      })
      .strict()
      .prefault({}),
    reading: z
      .object({
        /** A message not read within this time (attachments included) is treated as unreadable. */
        timeoutMs: z.number().int().positive().default(20_000),
        /** Reader threads. */
        workers: z.number().int().min(1).max(16).default(1),
        maxAttachmentBytes: z.number().int().positive().default(DEFAULT_EXTRACT_LIMITS.maxAttachmentBytes),
        maxAttachments: z.number().int().positive().default(DEFAULT_EXTRACT_LIMITS.maxAttachments),
        maxInflateBytes: z.number().int().positive().default(DEFAULT_EXTRACT_LIMITS.maxInflateBytes),
        maxPdfPages: z.number().int().positive().default(DEFAULT_EXTRACT_LIMITS.maxPdfPages),
        maxRows: z.number().int().positive().default(DEFAULT_EXTRACT_LIMITS.maxRows),
      })
      .strict()
      .prefault({}),
    /** Sender of notices to staff (held, returned, overdue); default security@ the first organisation domain. */
    noticeFrom: z.string().email().optional(),
    /** Days the gateway remembers which inbound mail it flagged (replies to those count as replies to phish). */
    flaggedDays: z.number().int().min(1).max(365).default(90),
    /** Regions whose national number formats are tried for phone numbers written without "+country". */
    phoneRegions: z.array(z.string().length(2)).default(['US']),
  })
  .strict();

export type VerifySettings = z.output<typeof verifySchema>;
