import { createHash } from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import type { Directory } from '../directory/directory.ts';
import { findClinicianMentions, personNameClaim, signatureClaim } from '../directory/claims.ts';
import { faceGate } from '../faces/face-gate.ts';
import { probeImage } from '../faces/image-probe.ts';
import { nearestByHash } from '../faces/photo-matcher.ts';
import { PhotoIndex } from '../faces/photo-index.ts';
import { parseMessage } from '../parse/parse.ts';
import { findPhones } from '../text/phones.ts';
import { escapeHtml } from './html.ts';
import type { SimulationTemplateInput } from './template.ts';

/**
 * Real phish → simulation. A quarantined attack is the best material for training: it is
 * what staff will actually see. Before it can be sent to anyone it is defanged:
 *  - every link becomes the recipient's tracking link ({{link:N}}); no original URL is kept;
 *  - attachments, remote images and tracking pixels are removed;
 *  - pictures of people (any image that could hold a face, and every copy of a directory
 *    clinician's photo) become a neutral silhouette; logos and other images are dropped;
 *  - clinicians' names (every "Dr. X" / "X, MD" claim, and directory people named) become an
 *    invented doctor's name, phone numbers the security team's callback number, addresses
 *    placeholders, and the original recipient's name the new recipient's;
 *  - scripts, forms, styles that load anything, and every other active content go.
 * What was changed is reported, so the analyst can check before saving the template.
 */

export interface DefangReport {
  links: number;
  attachmentsRemoved: string[];
  remoteImagesRemoved: number;
  imagesRemoved: number;
  photosReplaced: number;
  /** Directory clinicians whose photo the phish carried. */
  directoryPhotos: string[];
  namesReplaced: string[];
  phonesReplaced: number;
  addressesReplaced: number;
}

export interface DefangResult {
  template: SimulationTemplateInput;
  report: DefangReport;
}

const MAX_LINKS = 9;
const PHOTO_MARK = 'medshield-portrait-placeholder';
/** Hash distance within which an image is a copy of a directory photo (the clinician-photo analyzer's default). */
const DIRECTORY_PHOTO_DISTANCE = 10;

type ImageDecision = { kind: 'photo'; directoryPerson: string | null } | { kind: 'drop' };

export async function defangMessage(raw: Buffer, o: { directory: Directory | null; slug: string; orgDomains: readonly string[] }): Promise<DefangResult> {
  const msg = await parseMessage(raw);
  const report: DefangReport = { links: 0, attachmentsRemoved: [], remoteImagesRemoved: 0, imagesRemoved: 0, photosReplaced: 0, directoryPhotos: [], namesReplaced: [], phonesReplaced: 0, addressesReplaced: 0 };

  // Images by content hash: a person's picture is replaced, anything else dropped.
  const decisions = new Map<string, ImageDecision>();
  const index = o.directory ? new PhotoIndex(o.directory, { cacheDir: null }) : null;
  const photos = index && index.photoCount > 0 ? await index.photos() : null;
  for (const image of msg.images) {
    if (!image.content) continue;
    const sha = sha256(image.content);
    if (decisions.has(sha)) continue;
    const probed = await probeImage(image.content);
    if (!('probe' in probed)) {
      decisions.set(sha, { kind: 'drop' });
      continue;
    }
    const near = photos ? nearestByHash(probed.probe.hashes, photos) : null;
    if (near && near.distance <= DIRECTORY_PHOTO_DISTANCE) {
      const p = near.entry.person;
      decisions.set(sha, { kind: 'photo', directoryPerson: [p.given, p.family].filter(Boolean).join(' ') });
    } else decisions.set(sha, faceGate(probed.probe).pass ? { kind: 'photo', directoryPerson: null } : { kind: 'drop' });
  }
  const byCid = new Map<string, Buffer>();
  for (const a of msg.attachments) {
    if (a.contentId) byCid.set(a.contentId.replace(/^<|>$/g, '').toLowerCase(), a.content);
    else if (a.disposition === 'attachment' || !a.declaredType.startsWith('image/')) report.attachmentsRemoved.push(a.filename || '(unnamed)');
  }

  // Links: each distinct original URL gets a number; beyond nine they share the last.
  const numbers = new Map<string, number>();
  const linkFor = (url: string): string => {
    const key = url.trim();
    let n = numbers.get(key);
    if (n === undefined) {
      n = Math.min(numbers.size + 1, MAX_LINKS);
      numbers.set(key, n);
    }
    return `{{link:${n}}}`;
  };

  const sourceHtml = msg.html || textToHtml(msg.text);
  let html = sanitizeHtml(sourceHtml, {
    allowedTags: ['p', 'div', 'span', 'br', 'hr', 'b', 'strong', 'i', 'em', 'u', 'h1', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'a', 'img', 'blockquote', 'center', 'font'],
    allowedAttributes: { a: ['href'], img: ['src', 'width', 'height', 'alt'], td: ['align', 'valign', 'width'], th: ['align'], table: ['width', 'cellpadding', 'cellspacing', 'border'], font: ['color', 'size'], '*': ['style'] },
    allowedSchemes: [],
    allowedSchemesAppliedToAttributes: [],
    // Styles may load images and fonts (url(...)); only harmless properties stay.
    allowedStyles: { '*': { color: [/^[#a-z0-9(),.\s%]+$/i], 'background-color': [/^[#a-z0-9(),.\s%]+$/i], 'font-size': [/^[\d.]+(px|pt|em|%)$/], 'font-weight': [/^\w+$/], 'text-align': [/^\w+$/], padding: [/^[\d.\spx]+$/], margin: [/^[\d.\spx]+$/] } },
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'form', 'select', 'button', 'iframe', 'object', 'svg'],
    transformTags: {
      a: (tag, attribs): { tagName: string; attribs: Record<string, string> } => {
        const href = (attribs.href ?? '').trim();
        if (/^https?:\/\//i.test(href) || /^www\./i.test(href)) {
          return { tagName: 'a', attribs: { href: linkFor(href) } };
        }
        // mailto:, tel:, javascript: and the rest keep their text only.
        return { tagName: 'span', attribs: {} };
      },
      img: (tag, attribs): { tagName: string; attribs: Record<string, string> } => {
        const src = (attribs.src ?? '').trim();
        let content: Buffer | undefined;
        if (/^cid:/i.test(src)) content = byCid.get(src.slice(4).replace(/^<|>$/g, '').toLowerCase());
        else if (/^data:image\/[a-z+.-]+;base64,/i.test(src)) content = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');
        else if (/^(https?:)?\/\//i.test(src)) report.remoteImagesRemoved++;
        const decision = content ? decisions.get(sha256(content)) : undefined;
        if (decision?.kind === 'photo') {
          report.photosReplaced++;
          if (decision.directoryPerson && !report.directoryPhotos.includes(decision.directoryPerson)) report.directoryPhotos.push(decision.directoryPerson);
          return { tagName: 'img', attribs: { src: PHOTO_MARK } };
        }
        if (content) report.imagesRemoved++;
        return { tagName: 'span', attribs: {} };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'span' && !frame.text.trim() && Object.keys(frame.attribs).length === 0,
  });
  html = html.replace(new RegExp(`<img src="${PHOTO_MARK}"\\s*/?>`, 'g'), '{{photo}}').replace(/<span><\/span>/g, '');
  html = html.replace(/\b(?:https?:\/\/|www\.)[^\s<>"'`{}|\\^[\]]+/gi, (u) => linkFor(u.replace(/[.,;:!?)\]>]+$/, '')));

  report.links = numbers.size;
  // The text part is written from the defanged HTML, so both carry the same links and nothing else.
  let text = htmlToText(html);
  let subject = msg.subject;
  let fromName = msg.from?.name ?? '';

  // Clinicians' names: every doctor-like claim, and every directory person named.
  const names = new Set<string>();
  for (const c of [...findClinicianMentions(`${subject}\n${msg.text}`, 'body', 50), personNameClaim(fromName, 'display-name'), signatureClaim(text)]) {
    if (!c || c.addressee) continue;
    const reading = c.readings[c.readings.length - 1];
    if (reading && reading.split(/\s+/).length >= 1 && (c.clinical || c.source !== 'body')) names.add(reading);
  }
  for (const p of o.directory?.persons() ?? []) {
    const full = [p.given, p.family].filter(Boolean).join(' ');
    if (full && new RegExp(`\\b${escapeRe(full)}\\b`, 'i').test(`${subject}\n${text}\n${fromName}`)) names.add(full);
  }
  // Longest first, so "Jane Smith" is replaced before "Smith".
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`\\b${escapeRe(name)}\\b`, 'gi');
    if (![subject, text, html, fromName].some((s) => re.test(s))) continue;
    report.namesReplaced.push(name);
    const swap = (s: string) => s.replace(new RegExp(`\\b${escapeRe(name)}\\b`, 'gi'), '{{fake_doctor}}');
    subject = swap(subject);
    text = swap(text);
    html = swap(html);
    fromName = swap(fromName);
  }

  // The original recipient's name becomes the new recipient's.
  const to = msg.to[0];
  if (to?.name) {
    const given = to.name.split(/\s+/)[0]!;
    for (const [from, into] of [
      [to.name, '{{name}}'],
      [given, '{{first_name}}'],
    ] as const) {
      if (from.length < 2) continue;
      const re = new RegExp(`\\b${escapeRe(from)}\\b`, 'g');
      subject = subject.replace(re, into);
      text = text.replace(re, into);
      html = html.replace(re, into);
    }
  }

  // Phone numbers: callers must reach the security team, never the attacker.
  const swapPhones = (s: string): string => {
    let out = s;
    for (const m of findPhones(s).sort((a, b) => b.raw.length - a.raw.length)) {
      if (!out.includes(m.raw)) continue;
      report.phonesReplaced++;
      out = out.split(m.raw).join('{{callback}}');
    }
    return out;
  };
  subject = swapPhones(subject);
  text = swapPhones(text);
  html = swapPhones(html);

  // Addresses: the organisation's people become the recipient, anyone else the simulation domain.
  const swapAddresses = (s: string): string =>
    s.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, (a) => {
      report.addressesReplaced++;
      const d = a.split('@')[1]!.toLowerCase();
      return o.orgDomains.some((od) => d === od || d.endsWith(`.${od}`)) ? '{{email}}' : 'help@{{sender_domain}}';
    });
  subject = swapAddresses(subject);
  text = swapAddresses(text);
  html = swapAddresses(html);

  const hasLink = numbers.size > 0;
  if (!hasLink) html += '<p><a href="{{link}}">View details</a></p>';
  if (!numbers.size) text += '\n\nView details: {{link}}';
  html += '\n{{pixel}}';

  const credentials = msg.forms.length > 0 || /\b(sign[ -]?in|log[ -]?in|password|verify your (account|identity)|credentials)\b/i.test(`${msg.subject}\n${msg.text}`);
  const callback = report.phonesReplaced > 0 && /\b(call|phone|dial|contact us at)\b/i.test(msg.text);
  const tactic = callback ? 'callback' : credentials ? 'credential-page' : report.photosReplaced || report.namesReplaced.length ? 'fake-doctor' : 'brand';
  const flags = [
    `The sender's address ({{sender_domain}}) does not belong to the organisation it claims to be.`,
    ...(callback ? ['It asks you to call a number that is on record for no one.'] : []),
    ...(credentials ? ['It leads to a page asking you to sign in or confirm details.'] : []),
    ...(report.namesReplaced.length ? ['It names a clinician to borrow their authority.'] : []),
    ...(report.photosReplaced ? ['It shows a photo to make the sender look familiar.'] : []),
    'This is a real attack Medshield stopped, made safe for practice.',
  ];

  const template: SimulationTemplateInput = {
    slug: o.slug,
    name: `Real phish: ${oneLine(subject.replace(/\{\{\s*([a-z_]+)(?::\d)?\s*\}\}/g, '[$1]')).slice(0, 120) || '(no subject)'}`,
    tactic,
    description: `Made from a real phishing message caught by Medshield (defanged: ${report.links} link(s) → tracking links, ${report.attachmentsRemoved.length} attachment(s) and ${report.remoteImagesRemoved} remote image(s) removed, ${report.photosReplaced} photo(s) and ${report.namesReplaced.length} clinician name(s) replaced, ${report.phonesReplaced} phone number(s) → the callback number).`,
    from: { name: oneLine(fromName).slice(0, 120) || 'Notifications', local: safeLocal(msg.from?.address.split('@')[0] ?? 'notify') },
    subject: oneLine(subject).slice(0, 300) || '(no subject)',
    html: html.slice(0, 200_000),
    text: text.slice(0, 100_000) || 'View details: {{link}}',
    photo: report.photosReplaced ? 'silhouette' : 'none',
    landing: credentials
      ? { kind: 'credentials', title: 'Sign in', heading: 'Sign in to continue', body: 'Enter your details to view the message.', button: 'Sign in' }
      : { kind: 'button', title: 'Details', heading: 'Your details are ready', body: 'Confirm to view them.', button: 'Continue' },
    redFlags: flags,
  };
  return { template, report };
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function safeLocal(s: string): string {
  const clean = s.toLowerCase().replace(/[^a-z0-9._+-]/g, '').replace(/^[^a-z0-9]+/, '');
  return clean.slice(0, 40) || 'notify';
}

/** The text of defanged HTML: paragraphs and line breaks kept, each link as "text (link)". */
function htmlToText(html: string): string {
  return html
    .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/g, (_m, href: string, t: string) => `${t} (${href})`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|h[1-4]|li|table|blockquote)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\{\{(photo|pixel)\}\}/g, '')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
