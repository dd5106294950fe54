import type { SignalDefinition } from '../analyzer.ts';

/**
 * Weights follow the house scale: tag at 5, quarantine at 9. A program or script sent as an
 * attachment is rare enough in legitimate mail to tag on its own; disguise on top of it
 * (double extension, lying content type) quarantines.
 */
export const SIGNALS = {
  ATTACHMENT_EXECUTABLE: {
    weight: 6,
    description: 'An attachment is a program, script, shortcut, installer or disk image (by its name or its content) that runs or mounts when opened.',
  },
  ATTACHMENT_DOUBLE_EXTENSION: {
    weight: 4,
    description: 'An attachment name hides its real type: a double extension (invoice.pdf.exe), blank padding before the extension, or a hidden text-direction character.',
  },
  ATTACHMENT_TYPE_MISMATCH: {
    weight: 3,
    description: 'An attachment claims to be a document, image or calendar file (by name or declared type) but its content is something more dangerous (a program, a web page, an archive).',
  },
  OFFICE_MACRO: {
    weight: 4,
    description: 'An Office document carries macros (VBA project, Excel 4.0 macro sheet, OpenDocument Basic) or is a macro-enabled format.',
  },
  TEMPLATE_INJECTION: {
    weight: 5,
    description: 'An Office document fetches a template or object from a remote server when opened, or hands a link to a Windows protocol handler.',
  },
  OFFICE_EMBEDDED_OBJECT: {
    weight: 3,
    description: 'A document embeds an object that can run or be run: an OLE package with a file inside, an Equation Editor object, or an object set to load automatically.',
  },
  PDF_JAVASCRIPT: {
    weight: 3,
    description: 'A PDF contains JavaScript (form-formatting scripts excepted); stronger when it runs on open or its names are obfuscated.',
  },
  PDF_OPENACTION: {
    weight: 3,
    description: 'A PDF does something by itself when opened or shown: runs JavaScript, opens a web link, submits a form or opens another file.',
  },
  PDF_LAUNCH: {
    weight: 5,
    description: 'A PDF contains a Launch action, which asks the reader to start a program or open a file outside the PDF.',
  },
  PDF_EMBEDDED_FILE: {
    weight: 1.5,
    description: 'A PDF carries embedded files (e-invoice XML excepted).',
  },
  PDF_LINK_ONLY: {
    weight: 2.5,
    description: 'A one-page PDF with almost no text whose content is essentially a link: the usual lure of credential phishing.',
  },
  HTML_ATTACHMENT: {
    weight: 1,
    description: 'A web page (or SVG image) is attached; it opens in the browser from the local disk, away from link filtering. Weak on its own.',
  },
  HTML_ATTACHMENT_FORM: {
    weight: 4,
    description: 'An attached web page asks for a password or sends login details to a server.',
  },
  HTML_SMUGGLING: {
    weight: 5,
    description: 'An attached web page assembles or decodes a hidden file with script, downloads an embedded file, redirects to a remote page when opened, or hides its script.',
  },
  ARCHIVE_EXECUTABLE: {
    weight: 5,
    description: 'A program, script, shortcut or disk image is packed inside an archive, disk image, document or PDF.',
  },
  ARCHIVE_ENCRYPTED: {
    weight: 2,
    description: 'An archive or Office document is password-protected, so its content cannot be checked; stronger when the message body gives the password.',
  },
  ARCHIVE_UNREADABLE: {
    weight: 2,
    description: 'An archive cannot be inspected within limits: a decompression bomb, too many files, nesting too deep, or a damaged structure.',
  },
  ARCHIVE_OPAQUE: {
    weight: 1,
    description: 'An archive in a format whose file list is not read here (7-Zip, ACE, bzip2/xz, some disk images); its content is unchecked.',
  },
} satisfies Record<string, SignalDefinition>;

export type SignalId = keyof typeof SIGNALS;
