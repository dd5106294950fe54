/**
 * What a PHI detector reports. A finding never carries the value itself: `masked` shows its
 * shape and at most its last characters, so findings can go to logs, task records and the
 * sender's notice without copying the patient's data again.
 */

export const PHI_KINDS = ['ssn', 'dob', 'mrn', 'mbi', 'member-id', 'icd10'] as const;
export type PhiKind = (typeof PHI_KINDS)[number];

export interface PhiFinding {
  kind: PhiKind;
  /** Where in the searched text (UTF-16 offsets). */
  start: number;
  end: number;
  /** high: labelled or unmistakable; medium: the right shape in a plausible place. */
  confidence: 'high' | 'medium';
  /** The value with all but its last characters replaced ("***-**-6617"). */
  masked: string;
  /** Why it counts, in a few words ("labelled SSN", "valid MBI format near 'Medicare'"). */
  reason: string;
}

/** Plain words for each kind, as the sender's notice and the console say them. */
export const PHI_KIND_WORDS: Record<PhiKind, string> = {
  ssn: 'a Social Security number',
  dob: 'a date of birth',
  mrn: 'a medical record number',
  mbi: 'a Medicare number (MBI)',
  'member-id': 'an insurance member ID',
  icd10: 'a diagnosis code',
};

/** Keeps separators and the last `keep` alphanumerics; every other letter or digit becomes '*'. */
export function mask(value: string, keep = 2): string {
  let seen = 0;
  const total = value.replace(/[^A-Za-z0-9]/g, '').length;
  return [...value]
    .map((c) => {
      if (!/[A-Za-z0-9]/.test(c)) return c;
      seen++;
      return seen > total - keep ? c : '*';
    })
    .join('');
}
