/**
 * Security newsletters and privacy notices say the very phrases lures say, only as advice:
 * "we will never ask you to confirm your password", "never share your SSN", "phishing
 * emails often say your account will be suspended". A request phrase counts as advice when
 * a negation stands just before it in the same clause, or when its sentence talks about
 * phishing and scams. Patterns are in normalized form (lower-case, no diacritics).
 */

/** How far back, at most, a negation can stand and still govern the phrase. */
const CLAUSE_WINDOW = 60;
/** How far either way the sentence of a phrase is searched for a warning. */
const SENTENCE_WINDOW = 220;

const NEGATION = new RegExp(
  [
    // en
    String.raw`\bnever\b`, String.raw`\bnot\b`, String.raw`\bn't\b`, String.raw`\bdont\b`, String.raw`\bno (?:one|legitimate|bank|company|employee|staff)\b`,
    String.raw`\bnobody\b`,
    // de
    String.raw`\bnie(?:mals)?\b`, String.raw`\bnicht\b`, String.raw`\bkeine?[nmrs]?\b`,
    // pt / es
    String.raw`\bnunca\b`, String.raw`\bnao\b`, String.raw`\bjamais\b`, String.raw`\bninguem\b`, String.raw`\bnadie\b`, String.raw`\bno\b`,
    // fr
    String.raw`\bne\b`, String.raw`\bn'`, String.raw`\bpersonne\b`,
  ].join('|'),
);

/*
 * "If you do not verify your account, it will be closed" is the threat itself, so a
 * negation that follows a condition within the clause does not cancel the phrase.
 */
const CONDITION = /\b(?:if|unless|otherwise|failure to|failing to|falls|wenn|sonst|caso|se|si|sinon|de lo contrario|senao)\b/;

const WARNING = new RegExp(
  [
    String.raw`\bphish`, String.raw`\bscam`, String.raw`\bfraudsters?\b`, String.raw`\bspoof`, String.raw`\bimpersonat`,
    String.raw`\bbeware\b`, String.raw`\bbe (?:wary|careful|cautious|suspicious|alert)\b`,
    String.raw`\blegitimate (?:companies|organi[sz]ations|banks|businesses|senders)\b`,
    String.raw`\b(?:do not|don't|never) (?:respond|reply|click|open|call)\b`, String.raw`\breport (?:it|them|this|the (?:message|email)|suspicious)\b`,
    String.raw`\bsocial engineering\b`, String.raw`\bsecurity awareness\b`,
    // de / pt / es / fr
    String.raw`\bbetrug`, String.raw`\bbetrueger`, String.raw`\bbetruger`, String.raw`\bgolpe`, String.raw`\bgolpista`, String.raw`\bestafa`,
    String.raw`\barnaque`, String.raw`\bescroquer`, String.raw`\bhameconnage\b`, String.raw`\bfraudadores?\b`, String.raw`\bestafadores?\b`,
  ].join('|'),
);

const CLAUSE_BREAK = /[.!?;:•|]/;
const SENTENCE_BREAK = /[.!?•|]/;

export function isNegated(text: string, index: number, length: number): boolean {
  const before = clauseBefore(text, index);
  const neg = NEGATION.exec(before);
  if (neg) {
    const cond = CONDITION.exec(before);
    if (!cond || cond.index > neg.index) return true;
  }
  return WARNING.test(sentenceAround(text, index, length));
}

function clauseBefore(text: string, index: number): string {
  const start = Math.max(0, index - CLAUSE_WINDOW);
  let s = text.slice(start, index);
  for (let i = s.length - 1; i >= 0; i--) {
    if (CLAUSE_BREAK.test(s[i]) && !isDecimalPoint(s, i)) {
      s = s.slice(i + 1);
      break;
    }
  }
  return s;
}

function sentenceAround(text: string, index: number, length: number): string {
  let from = Math.max(0, index - SENTENCE_WINDOW);
  for (let i = index - 1; i >= from; i--) {
    if (SENTENCE_BREAK.test(text[i]) && !isDecimalPoint(text, i)) {
      from = i + 1;
      break;
    }
  }
  const limit = Math.min(text.length, index + length + SENTENCE_WINDOW);
  let to = limit;
  for (let i = index + length; i < limit; i++) {
    if (SENTENCE_BREAK.test(text[i]) && !isDecimalPoint(text, i)) {
      to = i;
      break;
    }
  }
  return text.slice(from, to);
}

/** "$4.99" and "e.g." are not sentence ends; a full stop followed by a space is. */
function isDecimalPoint(s: string, i: number): boolean {
  return s[i] === '.' && i + 1 < s.length && s[i + 1] !== ' ';
}
