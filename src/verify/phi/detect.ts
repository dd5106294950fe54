import { findDatesOfBirth } from './dob.ts';
import { PHI_KIND_WORDS, type PhiFinding, type PhiKind } from './finding.ts';
import { findIcd10 } from './icd10.ts';
import { findMbis } from './mbi.ts';
import { findMemberIds } from './member-id.ts';
import { compileMrnPatterns, findMrns, type MrnOptions } from './mrn.ts';
import { findNames, nameNear } from './names.ts';
import { findSsns } from './ssn.ts';

export interface PhiOptions {
  mrn: MrnOptions;
  /** Characters of text searched at most (the rest is not read). */
  maxChars: number;
  /** Findings kept at most (counting stops there). */
  maxFindings: number;
  now?: Date;
}

export const DEFAULT_PHI_OPTIONS: PhiOptions = { mrn: { patterns: [], labels: [] }, maxChars: 2_000_000, maxFindings: 200 };

export interface PhiAssessment {
  /** The text identifies a patient's health or identity data: what the outbound guard acts on. */
  phi: boolean;
  findings: PhiFinding[];
  /** Kinds found, in a fixed order. */
  kinds: PhiKind[];
  /** Only `maxChars` were read. */
  truncated: boolean;
}

const IDENTIFIERS: ReadonlySet<PhiKind> = new Set(['ssn', 'dob', 'mrn', 'mbi', 'member-id']);

/**
 * Every detector over one text, and the call: is this PHI? One certain identifier (a
 * labelled or dashed SSN, a labelled birth date next to a name, an MRN, a labelled MBI or
 * member ID) is; so are two different uncertain ones; a diagnosis code is when an
 * identifier or a name stands with it. A lone "my date of birth is …" is not.
 */
export function detectPhi(input: string, options: PhiOptions = DEFAULT_PHI_OPTIONS): PhiAssessment {
  const truncated = input.length > options.maxChars;
  const text = truncated ? input.slice(0, options.maxChars) : input;
  const names = findNames(text);
  const compiled = compileMrnPatterns(options.mrn.patterns);
  const all = [...findSsns(text), ...findDatesOfBirth(text, options.now, names), ...findMrns(text, options.mrn, compiled), ...findMbis(text), ...findMemberIds(text), ...findIcd10(text)];
  const findings = dedupe(all).slice(0, options.maxFindings);
  const certain = findings.some((f) => f.confidence === 'high' && IDENTIFIERS.has(f.kind));
  const uncertainKinds = new Set(findings.filter((f) => IDENTIFIERS.has(f.kind)).map((f) => f.kind));
  const diagnosisOfSomeone = findings.some((f) => f.kind === 'icd10') && (uncertainKinds.size > 0 || findings.some((f) => f.kind === 'icd10' && nameNear(names, f.start, f.end, 400, 400)));
  const kinds = PHI_KIND_ORDER.filter((k) => findings.some((f) => f.kind === k));
  return { phi: certain || uncertainKinds.size >= 2 || diagnosisOfSomeone, findings, kinds, truncated };
}

const PHI_KIND_ORDER: PhiKind[] = ['ssn', 'dob', 'mbi', 'member-id', 'mrn', 'icd10'];

/** Where two detectors claim the same characters, the more certain one stays. */
function dedupe(findings: PhiFinding[]): PhiFinding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || (a.confidence === 'high' ? -1 : 1));
  const out: PhiFinding[] = [];
  for (const f of sorted) {
    const clash = out.find((o) => o.start < f.end && f.start < o.end);
    if (!clash) out.push(f);
    else if (clash.confidence === 'medium' && f.confidence === 'high') out.splice(out.indexOf(clash), 1, f);
  }
  return out;
}

/** "a Social Security number and a date of birth", for the sender's notice. */
export function describeKinds(kinds: PhiKind[]): string {
  const words = kinds.map((k) => PHI_KIND_WORDS[k]);
  if (words.length <= 1) return words[0] ?? 'patient information';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
