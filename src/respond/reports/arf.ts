import { decodeBody, header, parseHeaderBlock, type MimePart } from './mime-parts.ts';

/**
 * Abuse Reporting Format (RFC 5965): a multipart/report with report-type=feedback-report
 * whose parts are a human-readable text, a machine-readable message/feedback-report, and
 * the reported message (message/rfc822) or its header (text/rfc822-headers). Mail clients'
 * "report phishing" buttons and mailbox providers' feedback loops send it.
 */

export const FEEDBACK_TYPES = ['abuse', 'fraud', 'other', 'virus', 'not-spam', 'auth-failure'] as const;

export interface ArfReport {
  feedbackType: string;
  userAgent: string;
  version: string;
  /** Every field of the machine-readable part, lower-case names, repeated fields kept. */
  fields: [string, string][];
  originalMailFrom: string | null;
  originalRcptTo: string[];
  arrivalDate: Date | null;
  sourceIp: string | null;
  reportedDomains: string[];
  reportedUris: string[];
  /** The reported message as it was, or its header block alone (headersOnly). */
  original: Buffer | null;
  headersOnly: boolean;
  /** Departures from RFC 5965 (the report is still used when it names a message). */
  problems: string[];
}

export class ArfError extends Error {}

export function isArf(root: MimePart): boolean {
  return root.contentType === 'multipart/report' && (root.params['report-type'] ?? '').toLowerCase() === 'feedback-report';
}

const bare = (v: string) => v.replace(/^<|>$/g, '').trim();

/** Parses an ARF report; throws ArfError when the message is not one at all. */
export function parseArf(root: MimePart): ArfReport {
  if (!isArf(root)) throw new ArfError(`not an ARF report: Content-Type is ${root.contentType}${root.params['report-type'] ? `; report-type=${root.params['report-type']}` : ''}`);
  const problems: string[] = [];
  const feedback = root.children.find((p) => p.contentType === 'message/feedback-report');
  if (!feedback) throw new ArfError('ARF report without a message/feedback-report part');
  if (root.children.length < 2 || root.children[0]!.contentType.split('/')[0] !== 'text') problems.push('the first part is not a human-readable text part');
  if (root.children[1] !== feedback) problems.push('message/feedback-report is not the second part');

  const fields = parseHeaderBlock(decodeBody(feedback).toString('utf8').trim());
  const one = (n: string) => fields.find(([k]) => k === n)?.[1] ?? '';
  const all = (n: string) => fields.filter(([k]) => k === n).map(([, v]) => v);
  const feedbackType = one('feedback-type').toLowerCase();
  const userAgent = one('user-agent');
  const version = one('version');
  if (!feedbackType) problems.push('missing Feedback-Type');
  else if (!(FEEDBACK_TYPES as readonly string[]).includes(feedbackType) && !/^x-/.test(feedbackType)) problems.push(`unknown Feedback-Type ${feedbackType}`);
  if (!userAgent) problems.push('missing User-Agent');
  if (!version) problems.push('missing Version');
  else if (version !== '1' && version !== '0.1') problems.push(`unknown Version ${version}`);

  const originalPart = root.children.find((p) => p.contentType === 'message/rfc822' || p.contentType === 'message/global' || p.contentType === 'text/rfc822-headers');
  if (!originalPart) problems.push('no third part with the reported message or its header');
  const arrival = one('arrival-date') || one('received-date');
  const date = arrival ? new Date(arrival) : null;
  return {
    feedbackType,
    userAgent,
    version,
    fields,
    originalMailFrom: one('original-mail-from') ? bare(one('original-mail-from')) : null,
    originalRcptTo: all('original-rcpt-to').map(bare),
    arrivalDate: date && !Number.isNaN(date.getTime()) ? date : null,
    sourceIp: one('source-ip') || null,
    reportedDomains: all('reported-domain'),
    reportedUris: all('reported-uri'),
    original: originalPart ? decodeBody(originalPart) : null,
    headersOnly: originalPart?.contentType === 'text/rfc822-headers',
    problems,
  };
}

/** The Content-Type's report-type, for diagnostics. */
export function reportType(root: MimePart): string {
  return (header(root, 'content-type') ?? '').toLowerCase();
}
