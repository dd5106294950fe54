/**
 * Bounds on reading attachments for PHI. Every extractor stops at these and says so
 * (`truncated`), and the worker that runs them is killed past `timeoutMs`, so a hostile
 * document costs at most this much whatever it claims inside.
 */
export interface ExtractLimits {
  /** Attachments larger than this are not opened (and count as unreadable). */
  maxAttachmentBytes: number;
  /** Attachments read per message; nested messages and their attachments count too. */
  maxAttachments: number;
  /** Bytes one document may inflate to (OOXML parts). */
  maxInflateBytes: number;
  /** Characters of text taken from one attachment. */
  maxCharsPerAttachment: number;
  /** PDF pages read. */
  maxPdfPages: number;
  /** Spreadsheet rows read (CSV and XLSX, all sheets together). */
  maxRows: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxAttachmentBytes: 15 * 1024 * 1024,
  maxAttachments: 20,
  maxInflateBytes: 40 * 1024 * 1024,
  maxCharsPerAttachment: 1_000_000,
  maxPdfPages: 100,
  maxRows: 50_000,
};

export interface ExtractedText {
  text: string;
  /** A limit stopped reading before the end. */
  truncated: boolean;
}

/** Thrown when a document cannot be read at all (encrypted, corrupt, unsupported). */
export class UnreadableError extends Error {
  constructor(
    message: string,
    readonly reason: 'encrypted' | 'corrupt' | 'too-large' | 'unsupported',
  ) {
    super(message);
    this.name = 'UnreadableError';
  }
}
