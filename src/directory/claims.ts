import { foldName, parsePersonName, PRESCRIBER_CREDENTIALS, type ParsedName } from './names.ts';

/**
 * Who a message says is speaking, or which clinicians and practices it names: "Dr. X Y",
 * "X Y, MD", the display name, the signature block, the subject and the text in its images.
 * Pure text work; the analyzers decide what a claim is worth. Each claim records where it
 * was found and whether it reads as the sender's own identity ("from Dr. X", a signature),
 * as an addressee ("Dear Dr. X") or as a mention.
 */

export type ClaimSource = 'display-name' | 'signature' | 'subject' | 'body' | 'image';

/** Where in the message a claim stood, in the words the analyzers' findings use. */
export const CLAIM_SOURCE_LABEL: Record<ClaimSource, string> = {
  'display-name': 'display name',
  signature: 'signature',
  subject: 'subject',
  body: 'text',
  image: 'image text',
};

export interface ClinicianClaim {
  /** The name, title and credentials included ("Dr. Jane Smith", "Jane Smith, MD"), look-alike characters folded. */
  text: string;
  /** For display names and signature lines: the text exactly as written, look-alikes and all. */
  raw?: string;
  /** Name tokens, longest reading first: ["Jane Smith Please", "Jane Smith"] when the end is uncertain. */
  readings: string[];
  parsed: ParsedName;
  source: ClaimSource;
  /** Made with a doctor's title or a clinical credential (not just a name). */
  clinical: boolean;
  /** The claim is the sender's identity: display name, signature, "from Dr. X", "Dr. X has sent you". */
  speaker: boolean;
  /** Written to the clinician ("Dear Dr. X"): a patient's or colleague's mail, not a claim. */
  addressee: boolean;
}

export interface ClinicClaim {
  /** The practice name as written ("Riverside Family Clinic"). */
  text: string;
  source: ClaimSource;
  speaker: boolean;
}

export interface ClaimInput {
  fromName: string;
  subject: string;
  text: string;
  imageText: string;
}

/** A capitalised name word ("Smith", "O'Connor", "García-López") or an initial ("J." or "J" alone). */
const NAME_TOKEN = String.raw`(?:[A-Z][\p{Ll}\p{Lu}'’-]*[\p{Ll}'’]|[A-Z](?:\.|(?=[ \t,]|$)))`;
const PARTICLE_WORDS = ['van', 'von', 'de', 'der', 'den', 'del', 'della', 'la', 'le', 'da', 'di', 'du', 'dos', 'das', 'ter', 'ten', 'bin', 'ibn', 'al', 'el'];
const PARTICLES = new Set(PARTICLE_WORDS);
const PARTICLE = `(?:${PARTICLE_WORDS.join('|')})`;
const NAME_SEQ = String.raw`${NAME_TOKEN}(?:[ \t]+(?:${NAME_TOKEN}|${PARTICLE}(?=[ \t]+(?:[A-Z]|${PARTICLE}[ \t]))))*`;
const TITLE_CLAIM = new RegExp(String.raw`(?<![\p{L}])(?:Dr\.?|Doctor|DR\.?)[ \t]+(${NAME_SEQ})`, 'gu');
const CREDENTIALS = String.raw`M\.?D\.?|D\.O\.|DO|N\.?P\.?|PA-C|P\.A\.|PA|DNP|APRN|FNP(?:-BC|-C)?|CRNA|CNM|PharmD|DDS|DMD|DPM|MBBS|PsyD`;
const CREDENTIAL_CLAIM = new RegExp(String.raw`(?<![\p{L}])(${NAME_SEQ})(,?)[ \t]+(${CREDENTIALS})(?![\p{L}])`, 'gu');
/** Credentials that are also English words or initials, so they count only after a comma ("Jane Smith, DO"). */
const COMMA_ONLY = new Set(['DO', 'PA']);

/** Capitalised words that start sentences or lines, never names. */
const STOP = new Set(
  [
    'a', 'about', 'after', 'all', 'also', 'an', 'and', 'any', 'as', 'at', 'attn', 'be', 'best', 'book', 'but', 'by', 'call', 'cc', 'click', 'contact',
    'could', 'date', 'dear', 'did', 'do', 'doctor', 'dr', 'email', 'fax', 'for', 'from', 'good', 'have', 'hello', 'hey', 'hi', 'how', 'i', 'if', 'in',
    'is', 'it', 'join', 'kind', 'let', 'many', 'may', 'meet', 'message', 'mr', 'mrs', 'ms', 'my', 'new', 'no', 'not', 'note', 'of', 'office', 'on',
    'or', 'our', 'patient', 'patients', 'phone', 'please', 'regards', 'reply', 're', 'fw', 'fwd', 'see', 'sent', 'she', 'he', 'sincerely', 'so',
    'subject', 'team', 'tel', 'thank', 'thanks', 'that', 'the', 'then', 'there', 'these', 'they', 'this', 'time', 'to', 'today', 'tomorrow',
    'update', 'visit', 'warm', 'we', 'welcome', 'what', 'when', 'where', 'who', 'why', 'will', 'with', 'you', 'your', 'yours', 'monday', 'tuesday',
    'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september',
    'october', 'november', 'december', 'appointment', 'appointments', 'reminder', 'clinic', 'hospital', 'health', 'medical', 'center', 'department',
  ].map((w) => w),
);
/** Words of organisations, departments and roles: a line with one is not a person's name. */
const ORG_WORDS = new Set([
  'health', 'hospital', 'clinic', 'center', 'centre', 'medical', 'medicine', 'department', 'dept', 'team', 'office', 'services', 'service', 'group',
  'associates', 'care', 'pharmacy', 'billing', 'support', 'portal', 'system', 'systems', 'lab', 'labs', 'laboratory', 'radiology', 'cardiology',
  'pediatrics', 'oncology', 'surgery', 'nursing', 'desk', 'admin', 'administration', 'notification', 'notifications', 'noreply', 'inc', 'llc',
  'foundation', 'university', 'institute', 'practice', 'insurance', 'benefits', 'payroll', 'it', 'hr', 'security', 'account', 'accounts',
  'newsletter', 'news', 'updates', 'alerts', 'mychart', 'scheduling', 'appointments', 'reception', 'front', 'staff', 'unit', 'ward', 'floor', 'street',
  'st', 'avenue', 'ave', 'road', 'suite', 'boston', 'massachusetts',
]);

/*
 * "message from Dr. X", "sent by", "this is", a closing: the sender speaking as X. A bare
 * "from" or "by" is not enough ("a quote from Dr. X", "a new book by Dr. X").
 */
const SPEAKER_BEFORE =
  /(?:\b(?:message|messages|note|letter|e-?mail|mail|update|request|reminder|invitation|results?|notification|fax|voicemail|news)\s+from|\b(?:sent|signed)\s+by|^\s*from|\bthis is|\bi am|\bi['’]m|\bmy name is|\bon behalf of|\bregards|\bsincerely|\bthanks|\bthank you|\bcordially|\bwishes)[\s:,.-]*$/i;
const SPEAKER_AFTER = /^[\s,]*(?:has\b|have\b|sent\b|shared\b|wants\b|would like\b|requests?\b|is requesting\b|asked\b|needs you\b|invited\b|here\b)/i;
const ADDRESSEE_BEFORE = /(?:\bdear|\bhi|\bhello|\bhey|\battn:?|\battention:?|\bto|\bfor|\bask|\bwith|\bsee|\bcc:?)[\s,:]*$/i;

function tokensOf(seq: string): string[] {
  return seq.split(/[ \t]+/).filter(Boolean);
}

const isStop = (t: string) => STOP.has(t.toLowerCase().replace(/[.'’]+$/, ''));

/** Name readings from a token run after a title: stop at the first sentence word, then longest first. */
function titleReadings(tokens: string[]): string[] {
  const cut = tokens.findIndex(isStop);
  const kept = (cut < 0 ? tokens : tokens.slice(0, cut)).slice(0, 4);
  if (kept.length === 0) return [];
  const out: string[] = [];
  for (let n = kept.length; n >= Math.min(2, kept.length); n--) if (!PARTICLES.has(kept[n - 1])) out.push(kept.slice(0, n).join(' '));
  return out;
}

/** Name readings from a token run before a credential: the name ends at the credential, so it is cut from the left. */
function credentialReadings(tokens: string[]): string[] {
  let start = 0;
  tokens.forEach((t, i) => {
    if (isStop(t)) start = i + 1;
  });
  const kept = tokens.slice(start).slice(-4);
  if (kept.length < 2) return [];
  const out: string[] = [];
  for (let n = kept.length; n >= 2; n--) out.push(kept.slice(kept.length - n).join(' '));
  return out;
}

function speakerAround(text: string, start: number, end: number): { speaker: boolean; addressee: boolean } {
  const before = text.slice(Math.max(0, start - 30), start);
  const after = text.slice(end, end + 30);
  const addressee = ADDRESSEE_BEFORE.test(before);
  // "Dr. X: your results" opening a line or subject is X speaking; "a course by Dr. X: dates" is not.
  const opensLine = /(?:^|\n)[ \t]*$/.test(text.slice(Math.max(0, start - 200), start));
  return { speaker: !addressee && (SPEAKER_BEFORE.test(before) || SPEAKER_AFTER.test(after) || (opensLine && /^\s*:/.test(after))), addressee };
}

/** Clinician claims in running text (body, subject, image text). */
export function findClinicianMentions(raw: string, source: ClaimSource, limit = 20): ClinicianClaim[] {
  const text = foldName(raw);
  const out: ClinicianClaim[] = [];
  const taken: [number, number][] = [];
  TITLE_CLAIM.lastIndex = 0;
  for (const m of text.matchAll(TITLE_CLAIM)) {
    const readings = titleReadings(tokensOf(m[1]));
    if (readings.length === 0) continue;
    const parsed = parsePersonName(`Dr. ${readings[readings.length - 1]}`);
    if (!parsed?.family) continue;
    const start = m.index ?? 0;
    const end = start + m[0].indexOf(m[1]) + readings[0].length;
    // "Dr. Jane Smith, MD": one claim, with its credential.
    const tail = /^,?[ \t]+([A-Za-z.-]{2,8})(?![\p{L}])/u.exec(text.slice(end));
    if (tail && new RegExp(`^(?:${CREDENTIALS})$`).test(tail[1])) parsed.credentials.push(tail[1].replace(/[.-]/g, '').toUpperCase());
    taken.push([start, end]);
    out.push({ text: m[0].slice(0, m[0].indexOf(m[1]) + readings[0].length), readings, parsed, source, clinical: true, ...speakerAround(text, start, end) });
    if (out.length >= limit) return out;
  }
  CREDENTIAL_CLAIM.lastIndex = 0;
  for (const m of text.matchAll(CREDENTIAL_CLAIM)) {
    const credential = m[3].replace(/[.-]/g, '').toUpperCase();
    if (COMMA_ONLY.has(credential) && !m[2]) continue;
    const start = m.index ?? 0;
    if (taken.some(([s, e]) => start < e && s < start + m[0].length)) continue;
    const readings = credentialReadings(tokensOf(m[1]));
    if (readings.length === 0) continue;
    const parsed = parsePersonName(`${readings[readings.length - 1]}, ${credential}`);
    if (!parsed?.family || !parsed.given) continue;
    const nameStart = start + m[1].length - readings[0].length;
    out.push({ text: `${readings[0]}${m[2]} ${m[3]}`, readings, parsed, source, clinical: true, ...speakerAround(text, nameStart, start + m[0].length) });
    if (out.length >= limit) return out;
  }
  return out;
}

/** A display name or signature line that is a person's name (not a department, a role or an address). */
export function personNameClaim(raw: string, source: ClaimSource): ClinicianClaim | null {
  const parsed = parsePersonName(raw);
  if (!parsed?.family) return null;
  const words = [parsed.given, ...parsed.middle, ...parsed.family.split(/\s+/)].filter(Boolean);
  if (words.some((w) => ORG_WORDS.has(w.toLowerCase().replace(/[.'’]/g, '')))) return null;
  // Names are capitalised word by word, particles aside: "On Behalf of Gundry MD" is a phrase.
  if (words.some((w) => !/^\p{Lu}/u.test(w) && !PARTICLES.has(w))) return null;
  // "St." or "Mt." opening a line is a place, not a given name.
  if (parsed.given && /^[A-Za-z]{2,3}\.$/.test(parsed.given)) return null;
  if (!parsed.given && !parsed.doctorTitle) return null;
  const reading = [parsed.given, ...parsed.middle, parsed.family].filter(Boolean).join(' ');
  return {
    text: foldName(raw).trim(),
    raw,
    readings: [reading],
    parsed,
    source,
    // A PhD or an MBA after a name is no claim to treat patients.
    clinical: parsed.doctorTitle || parsed.credentials.some((c) => PRESCRIBER_CREDENTIALS.has(c)),
    speaker: true,
    addressee: false,
  };
}

// ---------------------------------------------------------------------------------------
// Signature blocks

const CLOSING = /^(?:(?:best|kind|warm|warmest|many|with)\s+)?(?:regards|wishes|thanks)\b|^sincerely\b|^thanks?(?:\s+you)?(?:\s+so\s+much)?\b|^respectfully\b|^cheers\b|^yours(?:\s+(?:truly|sincerely))?\b|^--\s*$|^—\s*$|^with\s+(?:thanks|gratitude|appreciation)\b|^take\s+care\b|^all\s+the\s+best\b|^cordially\b/i;
const QUOTE_START = /^(?:>|On .{5,200} wrote:$|-{2,}\s*(?:Original Message|Forwarded message)|Begin forwarded message:|From:\s.+)/i;

/** The message's own text: quoted replies and forwarded parts cut off. */
export function ownText(text: string): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    if (QUOTE_START.test(line.trim()) && out.some((l) => l.trim())) break;
    if (line.trimStart().startsWith('>')) continue;
    out.push(line);
  }
  return out.join('\n');
}

/**
 * The signature block: the lines after the last closing ("Regards,", "--") near the end,
 * the closing's own remainder first ("Regards, Dr. Jane Smith"); `closed` is false when
 * there is no closing and the last lines are returned instead.
 */
export function signatureBlock(body: string): { lines: string[]; closed: boolean } {
  const lines = ownText(body.length > 50_000 ? body.slice(0, 50_000) : body)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 15); i--) {
    if (lines[i].length <= 60 && CLOSING.test(lines[i])) {
      const sameLine = lines[i].split(/,\s*/).slice(1).join(', ').trim();
      return { lines: [sameLine, ...lines.slice(i + 1, i + 6)].filter(Boolean), closed: true };
    }
  }
  return { lines: lines.slice(-5), closed: false };
}

/** The name a signature block gives: the first name line after a closing, else a titled name near the end. */
export function signatureClaim(body: string): ClinicianClaim | null {
  const block = signatureBlock(body);
  for (const line of block.lines.slice(0, block.closed ? 3 : 5)) {
    if (line.length > 60) {
      if (block.closed) break;
      continue;
    }
    const c = personNameClaim(line, 'signature');
    // Without a closing, only a name that says what it is (title or credential) counts.
    if (c && (block.closed || c.clinical)) return c;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Everything a message claims

export function extractClinicianClaims(input: ClaimInput): ClinicianClaim[] {
  const out: ClinicianClaim[] = [];
  const display = input.fromName ? personNameClaim(input.fromName, 'display-name') : null;
  if (display) out.push(display);
  out.push(...findClinicianMentions(input.subject, 'subject', 5));
  const sig = signatureClaim(input.text);
  if (sig) out.push(sig);
  const own = ownText(input.text.length > 100_000 ? input.text.slice(0, 100_000) : input.text);
  out.push(...findClinicianMentions(own, 'body'));
  if (input.imageText) out.push(...findClinicianMentions(input.imageText, 'image'));
  return out;
}

// ---------------------------------------------------------------------------------------
// Practices

/** Words that end a patient-facing practice's name; research laboratories and companies are not practices. */
const FACILITY = String.raw`Clinic|Clinics|Medical Cent(?:er|re)|Medical Group|Medical Associates|Medical Practice|Health Cent(?:er|re)|Family (?:Practice|Medicine|Health)|Pediatrics|Dermatology|Cardiology|Orthopa?edics|Urgent Care|Hospital|Physicians|Wellness Cent(?:er|re)|Surgery Cent(?:er|re)|Surgical Cent(?:er|re)|Care Cent(?:er|re)|Health Partners`;
const CLINIC_WORD = String.raw`(?:[A-Z][\p{L}'’&-]*\.?|&)`;
const CLINIC_CLAIM = new RegExp(String.raw`(?<![\p{L}])(${CLINIC_WORD}(?:[ \t]+(?:${CLINIC_WORD}|of|and|the|for|at))*?)[ \t]+(${FACILITY})(?![\p{L}])`, 'gu');
/** Words that do not make a practice name distinctive on their own. */
const GENERIC = new Set([
  'the', 'our', 'your', 'my', 'a', 'new', 'local', 'family', 'medical', 'health', 'community', 'primary', 'general', 'center', 'centre', 'care',
  'urgent', 'and', 'of', 'for', 'at', 'main', 'city', 'regional', 'county', 'north', 'south', 'east', 'west', 'central', 'advanced', 'premier',
  'total', 'complete', 'comprehensive', 'integrated', 'specialty', 'pediatric', 'adult', 'women', 'womens', "women's", 'children', "children's",
  'childrens', 'surgical', 'dental', 'vision', 'eye', 'skin', 'heart', 'partners', 'group',
]);
const LEADING_NOISE = new Set(['please', 'visit', 'dear', 'contact', 'call', 'at', 'from', 'welcome', 'to', 'thank', 'thanks', 'choosing', 'by', 'with', 'in', 'of', 'and', 'for', 'the', 'this', 'is', 'your', 'our', 'hi', 'hello', 're', 'fw', 'fwd', 'dr', 'dr.', 'doctor']);

/** Practice names in a piece of text ("Riverside Family Clinic", "Northgate Dermatology"). */
export function findClinicMentions(raw: string, source: ClaimSource, limit = 10): ClinicClaim[] {
  const text = foldName(raw);
  const out: ClinicClaim[] = [];
  CLINIC_CLAIM.lastIndex = 0;
  for (const m of text.matchAll(CLINIC_CLAIM)) {
    const words = tokensOf(m[1]);
    while (words.length && LEADING_NOISE.has(words[0].toLowerCase())) words.shift();
    if (words.length === 0 || !words.some((w) => !GENERIC.has(w.toLowerCase().replace(/[.'’]/g, '')) && /\p{L}{3,}/u.test(w))) continue;
    if (words.length > 5) continue;
    const name = `${words.join(' ')} ${m[2]}`;
    const start = (m.index ?? 0) + m[0].length - name.length;
    out.push({ text: name, source, speaker: source === 'display-name' || source === 'signature' || speakerAround(text, start, start + name.length).speaker });
    if (out.length >= limit) break;
  }
  return out;
}

export function extractClinicClaims(input: ClaimInput): ClinicClaim[] {
  const out: ClinicClaim[] = [];
  if (input.fromName) out.push(...findClinicMentions(input.fromName, 'display-name', 2));
  out.push(...findClinicMentions(input.subject, 'subject', 3));
  const own = ownText(input.text.length > 100_000 ? input.text.slice(0, 100_000) : input.text);
  const signature = signatureBlock(own);
  if (signature.closed) out.push(...findClinicMentions(signature.lines.join('\n'), 'signature', 3));
  out.push(...findClinicMentions(own, 'body'));
  if (input.imageText) out.push(...findClinicMentions(input.imageText, 'image'));
  return out;
}
