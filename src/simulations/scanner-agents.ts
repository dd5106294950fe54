import { isbotMatch } from 'isbot';

/**
 * User agents of the machines that fetch links in mail before (or instead of) a person:
 * secure email gateways and link-rewriting services that "detonate" URLs on delivery, chat
 * and social link previews, search and security crawlers, and HTTP libraries. isbot (a
 * maintained list of crawler patterns) covers the generic ones; the list below names the
 * mail-security products it does not, so the report can say who fetched a link.
 */
const EMAIL_SECURITY_AGENTS: readonly string[] = [
  'Barracuda',
  'Mimecast',
  'Proofpoint',
  'ppops-',
  'Symantec',
  'Trend Micro',
  'TrendMicro',
  'Forcepoint',
  'Zscaler',
  'Sophos',
  'Fortinet',
  'FortiGuard',
  'IronPort',
  'Cisco Secure Email',
  'Cloudmark',
  'Microsoft Office Existence Discovery',
  'Safe Links',
  'SafeLinks',
  'Google-Safety',
  'Google-Read-Aloud',
  'Chrome-Lighthouse',
  'Palo Alto Networks',
  'Netcraft',
  'urlscan',
  'VirusTotal',
  'Abnormal Security',
  'IRONSCALES',
  'Avanan',
  'Check Point',
  'Vade Secure',
  'Hornetsecurity',
  'Libraesva',
  'SpamTitan',
  'AppRiver',
  'Darktrace',
  'Tessian',
  'CheckPhish',
  'SkypeUriPreview',
  'Slack-ImgProxy',
  'Slackbot',
  'Discordbot',
  'TelegramBot',
  'WhatsApp',
];

/** Mail providers' image proxies fetch the pixel when the person opens the message: an open, not a scanner. */
const IMAGE_PROXIES: readonly string[] = ['GoogleImageProxy', 'YahooMailProxy', 'ggpht.com'];

/** What a person's browser or mail client sends: anything else fetching a landing page is a program. */
const BROWSER = /^Mozilla\/5\.0 \(|^Opera\//;

export interface AgentFinding {
  /** The matched product or pattern, for the report. */
  name: string;
}

/** The scanner a user agent belongs to, or null when it is not a known one. */
export function knownScannerAgent(userAgent: string, o: { extra?: readonly string[]; forImage?: boolean } = {}): AgentFinding | null {
  const ua = userAgent.toLowerCase();
  if (o.forImage && IMAGE_PROXIES.some((p) => ua.includes(p.toLowerCase()))) return null;
  for (const name of [...EMAIL_SECURITY_AGENTS, ...(o.extra ?? [])]) if (ua.includes(name.toLowerCase())) return { name };
  const bot = isbotMatch(userAgent);
  return bot ? { name: bot } : null;
}

/** A browser's user agent (landing pages are opened in browsers; a mail client may load the pixel). */
export function looksLikeBrowser(userAgent: string): boolean {
  return BROWSER.test(userAgent);
}
