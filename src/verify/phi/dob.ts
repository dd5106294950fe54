import { textAfter, textBefore } from './context.ts';
import { findDates, plausibleBirthDate, type FoundDate } from './dates.ts';
import { mask, type PhiFinding } from './finding.ts';
import { findNames, nameNear, type NameSpan } from './names.ts';

/**
 * Dates of birth. A date counts when a birth label stands just before it ("DOB:", "date of
 * birth", "born on") or when it directly follows a person's name in a patient listing
 * ("DOE, Jane 03/04/1961"). A labelled birth date next to a name identifies a patient
 * (high); a labelled one alone (someone's own "my DOB is …") or an unlabelled one after a
 * name is medium, since appointment and meeting dates sit next to names all the time.
 */

const LABEL = /(?:\bdob|\bd\.o\.b\.?|\bdate of birth|\bbirth ?date|\bbirthday|\bborn(?: on)?|\bb\.|\bgeb\.?|\bgeburtsdatum|\bfecha de nacimiento|\bdate de naissance|\bdata de nascimento)\s*(?:[:#=\-–]|is|was|of)?\s*$/i;
/** Words that make a date an event, not a birth: "on", "by", "due", "visit". */
const EVENT = /\b(?:on|at|by|until|till|from|since|before|after|dated?|due|visit|appt|appointment|seen|admitted|discharged|scheduled|surgery|procedure|collected|received|reported|signed|sent|meeting|call)\s*[:\-–]?\s*$/i;

export function findDatesOfBirth(text: string, now = new Date(), names: NameSpan[] = findNames(text)): PhiFinding[] {
  const out: PhiFinding[] = [];
  for (const d of findDates(text, now)) {
    if (!plausibleBirthDate(d, now)) continue;
    const before = textBefore(text, d.start, 30);
    const labelled = LABEL.test(before);
    const near = nameNear(names, d.start, d.end);
    if (labelled) {
      out.push(finding(d, near ? 'high' : 'medium', near ? 'labelled date of birth near a name' : 'labelled date of birth'));
      continue;
    }
    // A listing: the name, then the date, nothing but punctuation between.
    const directlyAfterName = names.some((n) => n.end <= d.start && /^[\s,;:()–-]{0,4}$/.test(text.slice(n.end, d.start)));
    if (directlyAfterName && !EVENT.test(before) && d.year <= now.getUTCFullYear() - 1 && !/^\s*(?:at|\d{1,2}:\d{2})/i.test(textAfter(text, d.end, 8))) {
      out.push(finding(d, 'medium', 'a past date right after a name'));
    }
  }
  return out;
}

function finding(d: FoundDate, confidence: PhiFinding['confidence'], reason: string): PhiFinding {
  return { kind: 'dob', start: d.start, end: d.end, confidence, masked: mask(d.raw, 0), reason };
}
