import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { bannerLines } from '../gateway/tagging/plain-words.ts';
import type { QuarantineEntry, QuarantineReason, QuarantineStore } from './quarantine-store.ts';
import { signReleaseToken } from './release-token.ts';

export interface DigestOptions {
  now: Date;
  /** The console's base URL; links go to `${baseUrl}/quarantine/release-request?token=…`. */
  baseUrl: string;
  /** Key for the link signatures (`deriveSecret(key, 'release links')`). */
  secret: Buffer;
  /** The digest's From. */
  from: string;
  /** Only mail received at or after this (the previous digest); default: everything still held. */
  since?: Date;
  /** How long a release-request link stays valid; default 72 hours. */
  linkLifetimeHours?: number;
  /** Days held mail is kept, to tell people when it goes away. */
  retentionDays?: number;
  /** Most messages listed in one digest; the rest are summarised as a count. Default 50. */
  maxPerDigest?: number;
  /** IANA time zone for the times shown; default the server's. */
  timeZone?: string;
}

export interface Digest {
  recipient: string;
  raw: Buffer;
}

/** Why a message is held, in words for the person it was addressed to. */
const REASON_WORDS: Record<QuarantineReason, string> = {
  hold: 'Held until the sender is verified',
  quarantine: 'Quarantined as likely phishing or harmful',
  unscannable: 'Held because it could not be fully checked',
  'reject-after-accept': 'Blocked as dangerous',
};

interface DigestItem {
  sender: string;
  subject: string;
  received: string;
  why: string[];
  link: string;
}

/**
 * One email per recipient listing the mail held for them: who sent it, the subject, when,
 * and why in plain words, each with a signed link to ask for its release. A digest is built
 * from the store's metadata only; message content is never read, so nothing of a body can
 * leak into it (signal evidence, which quotes content, is not used either). Each recipient's
 * digest lists only messages addressed to that recipient.
 */
export async function buildDigests(store: QuarantineStore, opts: DigestOptions): Promise<Digest[]> {
  const lifetimeMs = (opts.linkLifetimeHours ?? 72) * 3600_000;
  const max = opts.maxPerDigest ?? 50;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: opts.timeZone });
  const expiresAt = new Date(opts.now.getTime() + lifetimeMs);
  const digests: Digest[] = [];
  for (const recipient of store.recipientsWithHeld(opts.since)) {
    const filter = { status: 'held' as const, recipient, since: opts.since };
    const held = store.list({ ...filter, limit: max });
    if (held.length === 0) continue;
    const more = held.length < max ? 0 : store.count(filter) - held.length;
    const items = held.map((e) => ({
      sender: senderOf(e),
      subject: e.subject || '(no subject)',
      received: when.format(e.receivedAt),
      why: [REASON_WORDS[e.reason], ...bannerLines(e.signals, false, 3)],
      link: `${baseUrl}/quarantine/release-request?token=${signReleaseToken({ id: e.id, recipient, expiresAt }, opts.secret)}`,
    }));
    const raw = await compose(recipient, items, more, expiresAt, when, opts);
    digests.push({ recipient, raw });
  }
  return digests;
}

function senderOf(e: QuarantineEntry): string {
  const address = e.from || e.mailFrom;
  if (!address) return '(unknown sender)';
  return e.fromName ? `${e.fromName} <${address}>` : address;
}

function subjectLine(n: number): string {
  return n === 1 ? 'Medshield: 1 message held for you' : `Medshield: ${n} messages held for you`;
}

async function compose(recipient: string, items: DigestItem[], more: number, expiresAt: Date, when: Intl.DateTimeFormat, opts: DigestOptions): Promise<Buffer> {
  const total = items.length + more;
  const intro = [
    `Medshield held ${total === 1 ? 'a message' : `${total} messages`} addressed to you (${recipient}). ${total === 1 ? 'It has' : 'They have'} not been delivered.`,
    'If you expected one of them, use its link to ask for it to be released; the security team checks each request. ' +
      'If you did not expect it, do nothing' +
      (opts.retentionDays ? `: it is deleted after ${opts.retentionDays} days.` : '.'),
    `The links work until ${when.format(expiresAt)}.`,
  ];
  const overflow = more > 0 ? `…and ${more} more. Ask the IT service desk to review them.` : '';

  const text = [
    ...intro.flatMap((p) => [p, '']),
    ...items.flatMap((it, n) => [
      `${n + 1}. From:     ${it.sender}`,
      `   Subject:  ${it.subject}`,
      `   Received: ${it.received}`,
      `   Why:      ${it.why.join('; ')}`,
      `   Request release: ${it.link}`,
      '',
    ]),
    ...(overflow ? [overflow, ''] : []),
    'Never forward this email: its links are for you only.',
  ].join('\n');

  const cell = 'style="padding:6px 10px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left"';
  const html = `<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">
${intro.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<table style="border-collapse:collapse" role="presentation">
<tr><th ${cell}>From</th><th ${cell}>Subject</th><th ${cell}>Received</th><th ${cell}>Why</th><th ${cell}></th></tr>
${items
  .map(
    (it) =>
      `<tr><td ${cell}>${escapeHtml(it.sender)}</td><td ${cell}>${escapeHtml(it.subject)}</td><td ${cell}>${escapeHtml(it.received)}</td>` +
      `<td ${cell}>${it.why.map(escapeHtml).join('<br>')}</td><td ${cell}><a href="${escapeHtml(it.link)}">Request release</a></td></tr>`,
  )
  .join('\n')}
</table>
${overflow ? `<p>${escapeHtml(overflow)}</p>` : ''}
<p style="color:#666">Never forward this email: its links are for you only.</p>
</body></html>`;

  return new MailComposer({
    from: opts.from,
    to: recipient,
    subject: subjectLine(total),
    text,
    html,
    date: opts.now,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Medshield-Digest': 'quarantine' },
  })
    .compile()
    .build();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
