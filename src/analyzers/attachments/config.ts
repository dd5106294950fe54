import { z } from 'zod';

/**
 * Limits keep one hostile attachment from costing more than a bounded amount of CPU and
 * memory: zip bombs, PDFs with thousands of streams, archives nested inside archives.
 * Whatever goes over a limit is reported (ARCHIVE_UNREADABLE), never silently skipped.
 */
export const limitsSchema = z
  .object({
    /** Bytes of one attachment inspected in depth; bigger files get name and magic checks only. */
    maxInspectBytes: z.number().int().positive().default(25 * 1024 * 1024),
    /** Archive members listed per archive; more is itself a warning sign. */
    maxArchiveEntries: z.number().int().positive().default(2000),
    /** Total bytes inflated for the whole message (nested archives, Office parts, PDF streams). */
    maxInflateBytes: z.number().int().positive().default(128 * 1024 * 1024),
    /** Largest single member extracted from an archive for a closer look. */
    maxMemberBytes: z.number().int().positive().default(16 * 1024 * 1024),
    /** Containers opened inside containers (zip in zip in zip); deeper nesting is reported, not followed. */
    maxDepth: z.number().int().min(1).max(6).default(3),
    /** Files (attachments plus archive members) looked at per message. */
    maxFiles: z.number().int().positive().default(400),
    /** An archive declaring more uncompressed bytes than this is treated as a decompression bomb. */
    bombExpandedBytes: z.number().int().positive().default(1024 * 1024 * 1024),
    /** …as is one expanding more than `bombRatio` times, once it claims over `bombRatioMinBytes`. */
    bombRatio: z.number().positive().default(100),
    bombRatioMinBytes: z.number().int().positive().default(100 * 1024 * 1024),
    pdfMaxBytes: z.number().int().positive().default(16 * 1024 * 1024),
    pdfMaxStreams: z.number().int().positive().default(400),
    pdfMaxStreamBytes: z.number().int().positive().default(8 * 1024 * 1024),
  })
  .strict();

export const configSchema = z
  .object({
    /** Extensions to treat as executable on top of the built-in list (without the dot). */
    extraDangerousExtensions: z.array(z.string().regex(/^[a-z0-9-]+$/i)).default([]),
    /** Built-in dangerous extensions your organisation exchanges legitimately (e.g. "msi" for an IT team). */
    allowedExtensions: z.array(z.string().regex(/^[a-z0-9-]+$/i)).default([]),
    /**
     * Hosts of encrypted-mail services whose HTML envelopes (securedoc.html, message.html)
     * legitimately carry a form posting to them.
     */
    trustedHtmlFormHosts: z.array(z.string()).default(['res.cisco.com', 'outlook.office365.com']),
    /** A one-page PDF showing fewer characters of text than this, with a link, is a link lure. */
    linkOnlyMaxTextChars: z.number().int().nonnegative().default(250),
    limits: limitsSchema.default(limitsSchema.parse({})),
  })
  .strict();

export type AttachmentsConfig = z.output<typeof configSchema>;
export type AttachmentLimits = z.output<typeof limitsSchema>;
