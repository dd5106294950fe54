import { headerValues, type ParsedMessage } from '../../parse/message.ts';
import { parseMessage } from '../../parse/parse.ts';
import type { ParseLimits } from '../../parse/limits.ts';
import { findPhones } from '../../text/phones.ts';
import { attachmentText, type AttachmentReport } from '../extract/attachment-text.ts';
import type { ExtractLimits } from '../extract/limits.ts';
import { detectPhi, type PhiOptions } from '../phi/detect.ts';
import type { PhiFinding, PhiKind } from '../phi/finding.ts';

/**
 * What sender verification needs to know about one message, worked out off the main thread:
 * who it is from and replies to, what it answers (In-Reply-To, References), the phone numbers
 * it gives, and whether its text or attachments carry PHI. Findings are masked; the only
 * message text returned is the opening of the body, which the caller needs to work out whom
 * the message claims to be (and which it keeps no longer than that).
 */

export interface FactsRequest {
  parse: ParseLimits;
  extract: ExtractLimits;
  phi: PhiOptions;
  phoneRegions: string[];
  /** Read attachments and look for PHI (outbound); else only headers, text and phones. */
  phiScan: boolean;
  /** Characters of the body returned for claim matching (0: none). */
  textChars: number;
}

export interface LocatedFinding extends PhiFinding {
  /** 'body', or the attachment's file name. */
  source: string;
}

export interface MessageFacts {
  from: { address: string; name: string; domain: string };
  replyTo: string[];
  subject: string;
  messageId: string;
  /** Message-IDs this message answers: In-Reply-To first, then References newest first. */
  answers: string[];
  /** The opening of the body (for claims); '' unless asked for. */
  text: string;
  phones: { e164: string; raw: string }[];
  phi: { phi: boolean; kinds: PhiKind[]; findings: LocatedFinding[]; truncated: boolean };
  attachments: AttachmentReport[];
  /** Attachments that may hold PHI but could not be read, with why. */
  unreadable: string[];
}

export async function messageFacts(raw: Buffer, req: FactsRequest): Promise<MessageFacts> {
  const msg = await parseMessage(raw, req.parse);
  const answers = [...ids(headerValues(msg, 'in-reply-to').join(' ')), ...ids(headerValues(msg, 'references').join(' ')).reverse()];
  const facts: MessageFacts = {
    from: { address: msg.from?.address ?? '', name: msg.from?.name ?? '', domain: msg.from?.domain ?? '' },
    replyTo: msg.replyTo.map((r) => r.address).filter(Boolean),
    subject: msg.subject,
    messageId: normalizeMessageId(msg.messageId),
    answers: [...new Set(answers)],
    text: req.textChars > 0 ? msg.text.slice(0, req.textChars) : '',
    phones: [],
    phi: { phi: false, kinds: [], findings: [], truncated: false },
    attachments: [],
    unreadable: [],
  };
  const seen = new Set<string>();
  for (const p of findPhones(`${msg.subject}\n${msg.text.slice(0, req.phi.maxChars)}`, { defaultRegions: req.phoneRegions, maxCandidates: 100 })) {
    if (!seen.has(p.e164)) facts.phones.push({ e164: p.e164, raw: p.raw });
    seen.add(p.e164);
  }
  if (!req.phiScan) return facts;

  const kinds = new Set<PhiKind>();
  const scan = (text: string, source: string) => {
    const a = detectPhi(text, req.phi);
    if (a.phi) facts.phi.phi = true;
    if (a.truncated) facts.phi.truncated = true;
    for (const f of a.findings) {
      kinds.add(f.kind);
      if (facts.phi.findings.length < req.phi.maxFindings) facts.phi.findings.push({ ...f, source });
    }
  };
  scan(`${msg.subject}\n${msg.text}`, 'body');
  let budget = req.extract.maxAttachments;
  const visit = async (m: ParsedMessage) => {
    for (const a of m.attachments) {
      if (a.nested) {
        scan(`${a.nested.subject}\n${a.nested.text}`, `${a.filename || 'attached message'}`);
        await visit(a.nested);
        continue;
      }
      if (budget-- <= 0) {
        facts.unreadable.push(`${a.filename || '(unnamed)'}: more attachments than are read per message (${req.extract.maxAttachments})`);
        continue;
      }
      const { report, text } = await attachmentText(a, req.extract);
      facts.attachments.push(report);
      if (report.unreadable) facts.unreadable.push(`${report.name}: ${report.unreadable}`);
      if (text) scan(text, report.name);
      if (report.truncated) facts.phi.truncated = true;
    }
  };
  await visit(msg);
  facts.phi.kinds = (['ssn', 'dob', 'mbi', 'member-id', 'mrn', 'icd10'] as PhiKind[]).filter((k) => kinds.has(k));
  return facts;
}

/** "<a@b>" or "a@b" → "a@b", lower-cased: Message-IDs compare case-insensitively in practice. */
export function normalizeMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').toLowerCase();
}

function ids(header: string): string[] {
  return [...header.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!.toLowerCase());
}
