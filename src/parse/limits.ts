import { z } from 'zod';

/** Hard limits on what one message may cost. Over a limit, the message is unscannable (fail closed). */
export const parseLimitsSchema = z
  .object({
    maxBytes: z.number().int().positive().default(40 * 1024 * 1024),
    maxParts: z.number().int().positive().default(500),
    maxDepth: z.number().int().positive().default(12),
    /** Wall-clock budget for the whole scan of one message, in ms. */
    timeoutMs: z.number().int().positive().default(15_000),
    /** Bytes of HTML rendered and searched for links; larger bodies are truncated (and flagged). */
    maxHtmlBytes: z.number().int().positive().default(4 * 1024 * 1024),
    maxLinks: z.number().int().positive().default(2000),
  })
  .strict();

export type ParseLimits = z.output<typeof parseLimitsSchema>;
export const DEFAULT_LIMITS: ParseLimits = parseLimitsSchema.parse({});

/** Thrown when a message cannot be scanned; the engine turns it into an `unscannable` verdict. */
export class UnscannableError extends Error {
  constructor(
    message: string,
    readonly reason: 'too-large' | 'too-many-parts' | 'too-deep' | 'timeout' | 'malformed' | 'empty' | 'scanner-error',
  ) {
    super(message);
    this.name = 'UnscannableError';
  }
}
