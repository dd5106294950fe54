import type { ParsedMessage } from '../parse/message.ts';
import { registrableDomain, topLevelDomain } from '../text/domains.ts';

/**
 * Content-only features for the learned classifier.
 *
 * What the model may see is decided here, once: the Subject, the From display name, the
 * body text, links, attachments and the shape of the HTML. Never recipients, Received,
 * Date, Message-ID or any other header. Those separate the training corpora by collector
 * and decade instead of by content, and a model that learns them is useless on real mail.
 * For the same reason every e-mail address in the text is dropped (the corpora replaced
 * the victim's address with placeholders such as phishing@pot, [username], zzzz@…), and so
 * is anything that looks like a year, a date or a time of day.
 *
 * Feature names are strings with a group prefix (`w:` body word, `s:` subject word…). They
 * are hashed into a fixed table (the hashing trick) so the model needs no vocabulary file.
 */

/** Bumped whenever extraction changes in a way that invalidates trained models. */
export const FEATURE_VERSION = 1;

export interface HashParams {
  /** FNV-1a 32-bit over the UTF-8 bytes of the feature name, xor-folded to `bits`. */
  algorithm: 'fnv1a32';
  bits: number;
  /** Mixed into the FNV offset basis, so a model can be re-trained with another collision pattern. */
  seed: number;
}

export const DEFAULT_HASH: HashParams = { algorithm: 'fnv1a32', bits: 18, seed: 0 };

/** How a model's features were made; stored in the model file so scoring extracts the same way. */
export interface FeatureSpec {
  hash: HashParams;
  /**
   * Adjacent-word pairs from the body. Off by default: trained on the 2002 SpamAssassin
   * corpus, body bigrams learn that era's list chatter and spam templates, and the model
   * ranks mail it never saw worse (at 0.5% false positives on TREC 2007 ham, recall fell
   * from 53% to 41% on 2020s phishing and from 42% to 37% on TREC spam). Trained and
   * tested on the same mix they help slightly, so training can turn them on.
   * Subject bigrams are always on: subjects are short and their word order is telling.
   */
  bodyBigrams: boolean;
  /**
   * Words from link paths and query strings (`up:`). Off by default: in the training mail
   * they are mostly delivery plumbing (campaign ids, "click", "email", utm_*), and the model
   * learned whose tracking style it had seen rather than what the mail asks for. Without them
   * phishing recall at 0.2% TREC 2007 ham false positives rose from 81% to 85% (the link's
   * domain, TLD, scheme and count stay). Models trained before the switch keep them.
   */
  linkPathWords: boolean;
}

export const DEFAULT_FEATURES: FeatureSpec = { hash: DEFAULT_HASH, bodyBigrams: false, linkPathWords: false };

/** Sorted unique bucket indices with their values; L2 norm 1 (or empty). */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

/** Named features of one message: name → raw count (1 for presence features). */
export type FeatureCounts = Map<string, number>;

/** Body text beyond this is filler as far as the model is concerned, and costs time. */
const MAX_TEXT_CHARS = 30_000;
const MAX_BODY_TOKENS = 4000;
const MAX_TOKEN_LENGTH = 32;
const MAX_LINKS = 200;

// Anything with an @ in it: real addresses, the corpora's placeholders, and the mangled
// forms quoted-printable leaves behind (=3Dphishing@pot, name@pot@hotmail.com).
const ADDRESS_LIKE = /[^\s<>()[\]{}"',;:]*@[^\s<>()[\]{}"',;:]*/gu;
// Recipient placeholders that are not addresses.
const PLACEHOLDERS = /\[(?:username|user|email|e-mail|recipient|name)\]/giu;
const URL_LIKE = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+/giu;
// Calendar dates and times of day, in the numeric forms mail uses; they date the corpus.
const DATE_LIKE = /\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?\b/giu;
// Header lines quoted in replies and forwards ("Date: Wed, 4 Sep 2002…", "Sent: …"): the
// same collector facts the model must not see in the real headers.
const QUOTED_HEADER_LINE =
  /^[ \t>|]*(?:date|sent|received|message-id|to|cc|delivered-to|return-path|x-[a-z0-9-]+|envoy[eé]|gesendet|datum|enviada|an|para|von|de|from)\s*:.*$/gimu;

const TOKEN =
  /[$€£¥₹]?\d+(?:[.,]\d+)*%?|\p{L}[\p{L}\p{M}\p{N}]*(?:['’]\p{L}+)?|!+|[$€£¥₹]/gu;
// Scripts written without spaces: a "word" run would be a whole sentence, so use character bigrams.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const YEAR = /^(?:19|20)\d\d$/;
// Month and weekday names say when the mail was collected, not what it is. Words that are
// also ordinary vocabulary ("may", "sun", "mar", "sat", "mon") stay.
const DATE_WORDS = new Set([
  'january', 'february', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'march',
  'jan', 'feb', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri',
  'januar', 'februar', 'märz', 'juni', 'juli', 'oktober', 'dezember', 'montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag', 'sonntag',
  'janvier', 'février', 'avril', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche',
  'janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro', 'segunda', 'terça', 'quarta', 'quinta', 'sexta', 'sábado', 'domingo',
]);

/** Text → tokens: NFKC, lower-case, numbers reduced to their shape, dates and addresses gone. */
export function tokenize(input: string, maxTokens = MAX_BODY_TOKENS): string[] {
  const text = input
    .slice(0, MAX_TEXT_CHARS)
    .normalize('NFKC')
    .toLowerCase()
    .replace(QUOTED_HEADER_LINE, ' ')
    .replace(ADDRESS_LIKE, ' ')
    .replace(PLACEHOLDERS, ' ')
    .replace(URL_LIKE, ' ')
    .replace(DATE_LIKE, ' ');
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (out.length >= maxTokens) break;
    const t = m[0];
    const c = t.charCodeAt(0);
    if ((c >= 48 && c <= 57) || (t.length > 1 && /^[$€£¥₹]\d/u.test(t))) {
      if (YEAR.test(t)) continue;
      out.push(numberShape(t));
    } else if (t[0] === '!') {
      out.push(t.length > 1 ? '!!' : '!');
    } else if (UNSPACED.test(t)) {
      const chars = Array.from(t);
      if (chars.length === 1) out.push(t);
      for (let i = 0; i + 1 < chars.length && out.length < maxTokens; i++) out.push(chars[i] + chars[i + 1]);
    } else if (DATE_WORDS.has(t)) {
      continue;
    } else if (t.length > MAX_TOKEN_LENGTH) {
      // Base64 debris, tracking ids, hash-busters: the fact is informative, the string is not.
      out.push('<long>');
    } else {
      out.push(t);
    }
  }
  return out;
}

/** "$1,250.00" → "#$9,999.99"; digit runs longer than 4 collapse, so ids do not become tokens. */
function numberShape(t: string): string {
  return `#${t.replace(/\d{5,}/g, '9+').replace(/\d/g, '9')}`;
}

/** 0, 1, 2-3, 4-7, 8-15…: counts that matter by order of magnitude. */
export function bucket(n: number): string {
  if (n <= 0) return '0';
  const lo = 2 ** Math.floor(Math.log2(n));
  return lo === 1 ? '1' : `${lo}-${lo * 2 - 1}`;
}

function add(f: FeatureCounts, name: string, n = 1): void {
  f.set(name, (f.get(name) ?? 0) + n);
}

function addText(f: FeatureCounts, tokens: string[], wordPrefix: string, bigramPrefix: string | null): void {
  for (let i = 0; i < tokens.length; i++) {
    add(f, wordPrefix + tokens[i]);
    if (bigramPrefix !== null && i + 1 < tokens.length) add(f, `${bigramPrefix}${tokens[i]} ${tokens[i + 1]}`);
  }
}

const DOMAIN_IN_TEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:?#]|$)/i;
const PATH_WORD = /[a-z]{3,20}/g;

function linkFeatures(f: FeatureCounts, msg: ParsedMessage, pathWords: boolean): void {
  const links = msg.links.slice(0, MAX_LINKS);
  const domains = new Set<string>();
  const once = new Set<string>();
  for (const l of links) {
    const names: string[] = [`u:scheme:${l.scheme || 'none'}`];
    if (l.host) {
      const isIp = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(l.host) || l.host.includes(':') || l.host.startsWith('[');
      if (isIp) {
        names.push('u:ip');
      } else {
        const reg = registrableDomain(l.host);
        names.push(reg ? `u:dom:${reg}` : 'u:dom:none', `u:tld:${topLevelDomain(l.host)}`);
        if (reg) domains.add(reg);
      }
      const shown = DOMAIN_IN_TEXT.exec(l.text.trim());
      if (shown && registrableDomain(shown[1]) && registrableDomain(shown[1]) !== registrableDomain(l.host)) {
        names.push('u:text-mismatch');
      }
      let path = '';
      try {
        const u = new URL(l.href.startsWith('//') ? `http:${l.href}` : l.href);
        path = decodeURIComponentSafe(u.pathname + u.search).toLowerCase().replace(ADDRESS_LIKE, ' ');
      } catch {
        names.push('u:unparseable');
      }
      if (pathWords) for (const w of path.match(PATH_WORD) ?? []) names.push(`up:${w}`);
    }
    for (const n of names) once.add(n);
  }
  for (const n of once) add(f, n);
  add(f, `u:count:${bucket(links.length)}`);
  add(f, `u:domains:${bucket(domains.size)}`);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function attachmentFeatures(f: FeatureCounts, msg: ParsedMessage): void {
  const once = new Set<string>();
  for (const a of msg.attachments) {
    once.add(`a:type:${a.sniffedType || 'unknown'}`);
    const ext = /\.([a-z0-9]{1,8})$/i.exec(a.filename.trim())?.[1]?.toLowerCase();
    once.add(`a:ext:${ext ?? 'none'}`);
    if (a.nested) once.add('a:nested-message');
  }
  for (const n of once) add(f, n);
  add(f, `a:count:${bucket(msg.attachments.length)}`);
}

function shapeFeatures(f: FeatureCounts, msg: ParsedMessage): void {
  if (msg.htmlOnly) add(f, 'm:html-only');
  else if (msg.html) add(f, 'm:html-and-text');
  else add(f, 'm:text-only');
  add(f, `m:images:${bucket(msg.images.length)}`);
  const kinds = new Set(msg.images.map((i) => i.kind));
  for (const k of kinds) add(f, `m:image-kind:${k}`);
  if (msg.forms.length > 0) add(f, 'm:form');
  if (msg.hiddenTextChars > 0) add(f, `m:hidden-chars:${bucket(Math.ceil(msg.hiddenTextChars / 64))}`);
  add(f, `m:text-length:${bucket(Math.ceil(msg.text.length / 128))}`);
}

/** All named features of a message, with raw counts. */
export function messageFeatures(msg: ParsedMessage, spec: Pick<FeatureSpec, 'bodyBigrams' | 'linkPathWords'> = DEFAULT_FEATURES): FeatureCounts {
  const f: FeatureCounts = new Map();
  const subject = tokenize(msg.subject, 64);
  if (subject.length === 0) add(f, 's:<empty>');
  addText(f, subject, 's:', 'sb:');
  // The display name only: who the mail claims to be from ("PayPal Security"), never an address.
  addText(f, tokenize(msg.from?.name ?? '', 16), 'f:', null);
  addText(f, tokenize(msg.text), 'w:', spec.bodyBigrams ? 'b:' : null);
  linkFeatures(f, msg, spec.linkPathWords);
  attachmentFeatures(f, msg);
  shapeFeatures(f, msg);
  return f;
}

/** Word-like groups are counted with log term frequency; everything else is presence. */
const COUNTED = /^(?:s|sb|f|w|b):/;

/**
 * Feature values as the model sees them: 1 + ln(tf) for text, 1 for presence features,
 * scaled so the message's vector has unit length (long and short mail weigh alike).
 */
export function featureValues(counts: FeatureCounts): Map<string, number> {
  const v = new Map<string, number>();
  let norm = 0;
  for (const [name, n] of counts) {
    const x = COUNTED.test(name) ? 1 + Math.log(n) : 1;
    v.set(name, x);
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (const [name, x] of v) v.set(name, x * scale);
  return v;
}

/**
 * FNV-1a 32-bit of the UTF-8 bytes of `name` (a lone surrogate counts as U+FFFD, as in
 * any UTF-8 encoder), with `seed` xor-ed into the offset basis.
 */
export function fnv1a32(name: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  const mix = (byte: number) => {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
      const lo = name.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) mix(c);
    else if (c < 0x800) {
      mix(0xc0 | (c >> 6));
      mix(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      mix(0xe0 | (c >> 12));
      mix(0x80 | ((c >> 6) & 0x3f));
      mix(0x80 | (c & 0x3f));
    } else {
      mix(0xf0 | (c >> 18));
      mix(0x80 | ((c >> 12) & 0x3f));
      mix(0x80 | ((c >> 6) & 0x3f));
      mix(0x80 | (c & 0x3f));
    }
  }
  return h;
}

/** A feature name's slot: FNV-1a 32-bit, xor-folded into a table of 2^bits. */
export function hashFeature(name: string, params: HashParams = DEFAULT_HASH): number {
  const h = fnv1a32(name, params.seed);
  return ((h >>> params.bits) ^ h) & ((1 << params.bits) - 1);
}

/** Hash named values into a sparse vector; colliding names add up. */
export function vectorize(values: Map<string, number>, params: HashParams = DEFAULT_HASH): SparseVector {
  const acc = new Map<number, number>();
  for (const [name, x] of values) {
    const i = hashFeature(name, params);
    acc.set(i, (acc.get(i) ?? 0) + x);
  }
  const indices = Uint32Array.from(acc.keys()).sort();
  const vals = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) vals[k] = acc.get(indices[k])!;
  return { indices, values: vals };
}

/** The message as the model sees it. */
export function extractFeatures(msg: ParsedMessage, spec: FeatureSpec = DEFAULT_FEATURES): SparseVector {
  return vectorize(featureValues(messageFeatures(msg, spec)), spec.hash);
}
