import { z } from 'zod';

/**
 * The `simulations` section of the configuration file: phishing simulations sent to staff
 * through Medshield's own submission path, the public landing and tracking pages, and how
 * link scanners are told apart from people.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof DAYS)[number];

/** When simulation mail may go out: days and hours in a time zone (IANA name). */
export const sendingWindowSchema = z
  .object({
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. America/New_York)').default('UTC'),
    days: z.array(z.enum(DAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    start: hhmm.default('08:00'),
    end: hhmm.default('17:00'),
  })
  .strict()
  .refine((w) => w.start < w.end, { message: 'start must be before end (windows do not cross midnight)' });
export type SendingWindow = z.output<typeof sendingWindowSchema>;

export const simulationsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * The address staff's browsers reach the landing and tracking pages at (Medshield's HTTP
     * port, usually behind the organisation's reverse proxy), e.g. https://portal-check.stmarys-health.org.
     * Unset: http://<gateway.hostname>:<HTTP port>, which only suits a test installation.
     */
    baseUrl: z
      .string()
      .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an absolute http(s) URL')
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /**
     * The domain simulation senders appear to write from (templates choose the local part).
     * Replies to it are caught at the gateway and recorded, never sent on. Default: sim.<first org domain>.
     */
    senderDomain: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.string().regex(/^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'not a domain name'))
      .optional(),
    /** The callback number lures ask staff to call: one the security team answers (default a fictional 555 number). */
    callbackNumber: z.string().min(3).default('+1 (617) 555-0199'),
    /** How often the scheduler looks for mail due to be sent and for deliveries to note. */
    tickSeconds: z.number().int().min(1).max(3600).default(15),
    /** Default sending window and pace for new campaigns. */
    window: sendingWindowSchema.prefault({}),
    perMinute: z.number().int().min(1).max(10_000).default(30),
    /** Landing pages answer this long after a campaign's last message was sent; later clicks are recorded as expired. */
    landingDays: z.number().int().min(1).max(365).default(30),
    /** Telling link scanners from people. */
    classifier: z
      .object({
        /** A request this soon after delivery is a scanner's (people do not open and click within seconds). */
        scannerWindowSeconds: z.number().min(0).max(600).default(20),
        /** Several links of one message fetched within this many seconds: a scanner following every link. */
        burstSeconds: z.number().min(0).max(120).default(3),
        /**
         * One client (address and user agent) fetching this many recipients' links within
         * `crowdWindowSeconds`: a scanning service. Kept short, because staff behind one proxy
         * with the same browser version look like one client too.
         */
        crowdRecipients: z.number().int().min(2).max(1000).default(4),
        crowdWindowSeconds: z.number().min(1).max(3600).default(10),
        /** More user-agent substrings (case-insensitive) to treat as scanners, beyond the shipped list. */
        extraScannerAgents: z.array(z.string().min(3)).default([]),
      })
      .strict()
      .prefault({}),
    /** The signed header that lets Medshield's own simulations past its filter. */
    bypass: z
      .object({
        /** A header older than this is refused (the message is then scanned like any other). */
        maxAgeSeconds: z.number().int().min(30).max(7 * 86_400).default(3600),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type SimulationSettings = z.output<typeof simulationsSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
