/**
 * What the bytes of a file are, grouped by what opening them does. Works on the MIME type
 * `sniffType` gives, so the magic-number knowledge lives in one place.
 */

export type ContentKind =
  | 'executable'
  | 'disk-image'
  | 'pdf'
  | 'ooxml'
  | 'opendocument'
  | 'ole'
  | 'rtf'
  | 'zip'
  | 'archive'
  | 'html'
  | 'svg'
  | 'image'
  | 'calendar'
  | 'text'
  | 'email'
  | 'unknown';

interface KindInfo {
  kind: ContentKind;
  /** Plain-words name of the format, used in evidence. */
  label: string;
}

const BY_TYPE: Record<string, KindInfo> = {
  'application/x-msdownload': { kind: 'executable', label: 'Windows program' },
  'application/x-elf': { kind: 'executable', label: 'Linux program' },
  'application/x-mach-binary': { kind: 'executable', label: 'macOS program' },
  'application/x-ms-shortcut': { kind: 'executable', label: 'Windows shortcut' },
  'application/vnd.ms-htmlhelp': { kind: 'executable', label: 'compiled HTML help file' },
  'application/java-vm': { kind: 'executable', label: 'Java program' },
  'application/java-archive': { kind: 'executable', label: 'Java program' },
  'application/vnd.android.package-archive': { kind: 'executable', label: 'Android app' },
  // Text formats that only act under their own extension: judged by name, not content.
  'application/x-mswinurl': { kind: 'text', label: 'Internet shortcut' },
  'text/x-ms-regedit': { kind: 'text', label: 'registry change file' },
  'application/x-apple-aspen-config': { kind: 'executable', label: 'Apple configuration profile (can redirect mail and install certificates)' },
  'application/x-iso9660-image': { kind: 'disk-image', label: 'disk image (ISO)' },
  'application/x-udf-image': { kind: 'disk-image', label: 'disk image (UDF)' },
  'application/x-vhd': { kind: 'disk-image', label: 'virtual hard disk' },
  'application/x-vhdx': { kind: 'disk-image', label: 'virtual hard disk' },
  'application/x-apple-diskimage': { kind: 'disk-image', label: 'macOS disk image' },
  'application/pdf': { kind: 'pdf', label: 'PDF document' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'ooxml', label: 'Word document' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'ooxml', label: 'Excel workbook' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'ooxml', label: 'PowerPoint presentation' },
  'application/x-ole-storage': { kind: 'ole', label: 'legacy Office (OLE) file' },
  'application/rtf': { kind: 'rtf', label: 'RTF document' },
  'application/zip': { kind: 'zip', label: 'zip archive' },
  'application/x-rar-compressed': { kind: 'archive', label: 'RAR archive' },
  'application/x-7z-compressed': { kind: 'archive', label: '7-Zip archive' },
  'application/gzip': { kind: 'archive', label: 'gzip archive' },
  'application/x-bzip2': { kind: 'archive', label: 'bzip2 archive' },
  'application/x-xz': { kind: 'archive', label: 'xz archive' },
  'application/zstd': { kind: 'archive', label: 'zstd archive' },
  'application/x-ace-compressed': { kind: 'archive', label: 'ACE archive' },
  'application/x-tar': { kind: 'archive', label: 'tar archive' },
  'application/vnd.ms-cab-compressed': { kind: 'archive', label: 'Windows cabinet archive' },
  'text/html': { kind: 'html', label: 'web page' },
  'image/svg+xml': { kind: 'svg', label: 'SVG image' },
  'text/calendar': { kind: 'calendar', label: 'calendar invitation' },
  'message/rfc822': { kind: 'email', label: 'e-mail message' },
  'text/plain': { kind: 'text', label: 'text' },
  'text/vcard': { kind: 'text', label: 'contact card' },
  'application/xml': { kind: 'text', label: 'XML' },
  'text/x-shellscript': { kind: 'text', label: 'shell script' },
  'application/onenote': { kind: 'unknown', label: 'OneNote notebook' },
};

export function contentKind(sniffedType: string): KindInfo {
  if (sniffedType.startsWith('application/vnd.oasis.opendocument.')) return { kind: 'opendocument', label: 'OpenDocument file' };
  if (Object.hasOwn(BY_TYPE, sniffedType)) return BY_TYPE[sniffedType];
  if (sniffedType.startsWith('image/')) return { kind: 'image', label: 'image' };
  return { kind: 'unknown', label: sniffedType || 'unrecognised data' };
}

