/**
 * The normalized message model every analyzer reads. Produced once per message by
 * `parseMessage`; analyzers never touch raw MIME.
 */

export interface Mailbox {
  /** Decoded display name, whitespace-collapsed; '' when absent. */
  name: string;
  /** Lower-cased address; '' when the header had no usable address. */
  address: string;
  /** Domain part of `address` (lower-case, IDNA A-label form kept as found). */
  domain: string;
}

export interface Link {
  href: string;
  /** Visible text of the anchor (or '' for bare URLs found in text). */
  text: string;
  /** Host of the href, lower-cased; '' for non-network schemes. */
  host: string;
  scheme: string;
  /** Where the link was found. */
  source: 'html' | 'text' | 'attachment';
}

export interface ImageRef {
  /** inline: cid-referenced part; attachment: image attachment; data: data: URI in HTML; remote: <img src=http…> (never fetched). */
  kind: 'inline' | 'attachment' | 'data' | 'remote';
  contentType: string;
  filename: string;
  size: number;
  /** Image bytes for inline/attachment/data images; undefined for remote. */
  content?: Buffer;
  /** For remote images, the URL (recorded, never fetched). */
  url?: string;
  width?: number;
  height?: number;
}

export interface Attachment {
  filename: string;
  /** Content-Type declared by the sender. */
  declaredType: string;
  /** Type sniffed from the first bytes (magic numbers), e.g. 'application/pdf'; '' when unknown. */
  sniffedType: string;
  size: number;
  content: Buffer;
  disposition: 'attachment' | 'inline';
  contentId?: string;
  /** Nested message/rfc822 parts are parsed too, up to the depth limit. */
  nested?: ParsedMessage;
}

export interface HeaderField {
  /** Lower-case header name. */
  key: string;
  /** Unfolded raw value (not MIME-decoded). */
  value: string;
}

export interface ParsedMessage {
  headers: HeaderField[];
  from: Mailbox | null;
  /** All mailboxes in From (multiple From addresses are an anomaly in themselves). */
  fromAll: Mailbox[];
  sender: Mailbox | null;
  replyTo: Mailbox[];
  returnPath: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  subject: string;
  messageId: string;
  date: Date | null;
  /** Plain-text body: text/plain parts plus HTML rendered to text, decoded. */
  text: string;
  /** Raw HTML of the HTML body ('' when none). */
  html: string;
  /** True when the message had an HTML body and no text/plain alternative. */
  htmlOnly: boolean;
  links: Link[];
  images: ImageRef[];
  attachments: Attachment[];
  /** HTML <form> actions found in the body. */
  forms: string[];
  /** Characters of HTML text hidden from the reader (display:none, zero-size fonts): filler that poisons filters. */
  hiddenTextChars: number;
  /** Size of the raw message in bytes. */
  size: number;
  /** Parser complaints that did not stop parsing (bad charset, broken header…). */
  defects: string[];
}

/** Helpers for header lookup, shared by analyzers. */
export function headerValues(msg: ParsedMessage, key: string): string[] {
  const k = key.toLowerCase();
  return msg.headers.filter((h) => h.key === k).map((h) => h.value);
}

export function headerValue(msg: ParsedMessage, key: string): string | undefined {
  return headerValues(msg, key)[0];
}
