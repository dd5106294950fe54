import { createHash, randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { escapeHtml } from './html.ts';
import { buildPdf } from './pdf.ts';
import type { SimulationTemplate } from './template.ts';

/**
 * Turns a template into one recipient's message: placeholders filled (escaped for HTML,
 * stripped of line breaks for headers), the recipient's own signed links, the tracking
 * pixel, a directory clinician's photo for the fake-doctor tactic, and the PDF attachment.
 * Choices such as the invented doctor's name are derived from the recipient's id, so the
 * preview and the sent message agree and a retry sends the same message.
 */

export interface Clinician {
  /** As written in mail: "Elizabeth Carter". */
  name: string;
  email: string;
  photo: { data: Buffer; contentType: string } | null;
}

/** What rendering needs of the organisation's people (built from the provider directory). */
export interface PeopleSource {
  clinicians: Clinician[];
  /** Someone in the directory (or NPPES) is called this: an invented name must not be. */
  nameTaken(name: string): boolean;
}

export interface RenderRecipient {
  email: string;
  name: string;
  department: string;
}

export interface RenderInput {
  template: SimulationTemplate;
  recipient: RenderRecipient;
  /** Stable per recipient (the target id): drives the invented name, the colleague and the reference. */
  seed: number;
  org: string;
  senderDomain: string;
  callback: string;
  /** The recipient's tracking URL for link number N. */
  link(n: number): string;
  pixelUrl: string | null;
  people: PeopleSource;
  now: number;
  /** Given when re-rendering a message that was already sent. */
  messageId?: string;
}

export interface RenderedMessage {
  raw: Buffer;
  messageId: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  /** Placeholder values used, for the preview. */
  values: Record<string, string>;
}

const FAKE_GIVEN = ['Alan', 'Marian', 'Victor', 'Celia', 'Howard', 'Renata', 'Julian', 'Ingrid', 'Desmond', 'Paula', 'Stefan', 'Lorna'];
const FAKE_FAMILY = ['Pierce', 'Holloway', 'Ashby', 'Marlowe', 'Quint', 'Everly', 'Fenwick', 'Calloway', 'Thorne', 'Bexley', 'Winslow', 'Darrow'];

function pick<T>(list: readonly T[], seed: number, salt: string): T | undefined {
  if (!list.length) return undefined;
  const h = createHash('sha256').update(`${salt}:${seed}`).digest().readUInt32BE(0);
  return list[h % list.length];
}

function firstName(name: string): string {
  const words = name.replace(/,.*$/, '').split(/\s+/).filter((w) => w && !/^(dr|mr|mrs|ms|mx|prof)\.?$/i.test(w));
  return words[0] ?? name;
}

/** A doctor's name no directory person has (tried in a fixed order from the seed). */
export function inventedDoctor(seed: number, people: PeopleSource): string {
  for (let i = 0; i < FAKE_GIVEN.length * FAKE_FAMILY.length; i++) {
    const given = FAKE_GIVEN[(seed + i) % FAKE_GIVEN.length]!;
    const family = FAKE_FAMILY[(seed * 7 + i * 5) % FAKE_FAMILY.length]!;
    const name = `${given} ${family}`;
    if (!people.nameTaken(name)) return name;
  }
  throw new Error('every invented doctor name is taken by a directory person');
}

export function placeholderValues(i: Omit<RenderInput, 'messageId'>): Record<string, string> {
  const others = i.people.clinicians.filter((c) => c.email !== i.recipient.email.toLowerCase());
  const colleague = pick(others, i.seed, 'colleague');
  const date = new Date(i.now + 3 * 86_400_000).toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
  return {
    first_name: firstName(i.recipient.name || i.recipient.email.split('@')[0]!),
    name: i.recipient.name || i.recipient.email,
    email: i.recipient.email,
    department: i.recipient.department,
    org: i.org,
    date,
    ref: String(100000 + (createHash('sha256').update(`ref:${i.seed}`).digest().readUInt32BE(0) % 900000)),
    callback: i.callback,
    sender_domain: i.senderDomain,
    fake_doctor: i.template.html.includes('fake_doctor') || i.template.from.name.includes('fake_doctor') || i.template.text.includes('fake_doctor') ? inventedDoctor(i.seed, i.people) : '',
    colleague: colleague?.name ?? 'Morgan',
  };
}

/** Fills placeholders; `html` escapes values, `header` flattens them to one line. */
export function fill(text: string, values: Record<string, string>, o: { mode: 'html' | 'text' | 'header'; link(n: number): string; photo: string; pixel: string }): string {
  return text.replace(/\{\{\s*([a-z_]+)(?::(\d))?\s*\}\}/g, (_m, name: string, n: string | undefined) => {
    let v: string;
    if (name === 'link') v = o.link(n ? Number(n) : 1);
    else if (name === 'photo') return o.mode === 'html' ? o.photo : '';
    else if (name === 'pixel') return o.mode === 'html' ? o.pixel : '';
    else v = values[name] ?? '';
    if (o.mode === 'html') return escapeHtml(v);
    if (o.mode === 'header') return v.replace(/[\r\n\t]+/g, ' ');
    return v;
  });
}

export async function renderMessage(i: RenderInput): Promise<RenderedMessage> {
  const t = i.template;
  const values = placeholderValues(i);
  const others = i.people.clinicians.filter((c) => c.email !== i.recipient.email.toLowerCase() && c.photo);
  const photo = t.photo === 'directory' ? pick(others, i.seed, 'photo') : t.photo === 'silhouette' ? { name: '', email: '', photo: { data: await silhouette(), contentType: 'image/png' } } : undefined;
  const photoTag = photo?.photo ? `<img src="cid:portrait@medshield" width="96" height="96" alt="${escapeHtml(values.fake_doctor || 'Doctor')}" style="border-radius:48px">` : '';
  const pixelTag = i.pixelUrl ? `<img src="${escapeHtml(i.pixelUrl)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">` : '';
  const opts = { link: i.link, photo: photoTag, pixel: pixelTag };
  const subject = fill(t.subject, values, { ...opts, mode: 'header' });
  const fromName = fill(t.from.name, values, { ...opts, mode: 'header' });
  const fromAddress = `${t.from.local}@${t.from.domain ?? i.senderDomain}`;
  const html = `<!doctype html><html><body>${fill(t.html, values, { ...opts, mode: 'html' })}</body></html>`;
  const text = fill(t.text, values, { ...opts, mode: 'text' });
  const messageId = i.messageId ?? `<${randomBytes(12).toString('hex')}@${t.from.domain ?? i.senderDomain}>`;
  const attachments: { filename: string; content: Buffer; contentType: string; cid?: string; contentDisposition?: 'inline' | 'attachment' }[] = [];
  if (photo?.photo) attachments.push({ filename: 'portrait.jpg', content: photo.photo.data, contentType: photo.photo.contentType, cid: 'portrait@medshield', contentDisposition: 'inline' });
  if (t.attachment) {
    const a = t.attachment;
    attachments.push({
      filename: fill(a.filename, values, { ...opts, mode: 'header' }).replace(/[/\\]/g, '-'),
      contentType: 'application/pdf',
      content: buildPdf({ title: fill(a.title, values, { ...opts, mode: 'text' }), lines: a.lines.map((l) => fill(l, values, { ...opts, mode: 'text' })), linkText: a.linkText, url: i.link(a.link) }),
    });
  }
  const raw = await new MailComposer({
    from: { name: fromName, address: fromAddress },
    to: { name: i.recipient.name, address: i.recipient.email },
    subject,
    text,
    html,
    messageId,
    date: new Date(i.now),
    attachments,
  })
    .compile()
    .build()
    // Line breaks in the text become bare LFs in quoted-printable; mail on the wire has CRLF only.
    .then((b) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
  return { raw, messageId, from: `${fromName} <${fromAddress}>`, subject, html, text, values };
}

let silhouettePng: Promise<Buffer> | null = null;

/** A neutral head-and-shoulders silhouette: stands in for a real person's photo taken out of a real phish. */
export function silhouette(): Promise<Buffer> {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192"><rect width="192" height="192" fill="#dfe5ec"/><circle cx="96" cy="76" r="38" fill="#9aaabb"/><path d="M28 192c4-44 34-66 68-66s64 22 68 66z" fill="#9aaabb"/></svg>';
  return (silhouettePng ??= sharp(Buffer.from(svg)).png().toBuffer());
}

/** The landing page's strings with placeholders filled (HTML-escaped). */
export function landingStrings(t: SimulationTemplate, values: Record<string, string>): { title: string; heading: string; body: string; button: string } {
  const o = { mode: 'html' as const, link: () => '#', photo: '', pixel: '' };
  return { title: fill(t.landing.title, values, o), heading: fill(t.landing.heading, values, o), body: fill(t.landing.body, values, o), button: fill(t.landing.button, values, o) };
}

/** The red flags for the just-in-time page (HTML-escaped). */
export function redFlags(t: SimulationTemplate, values: Record<string, string>): string[] {
  return t.redFlags.map((f) => fill(f, values, { mode: 'html', link: () => '#', photo: '', pixel: '' }));
}

