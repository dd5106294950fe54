/**
 * What a file name claims, and the tricks used to make a program look like a document.
 * Windows decides what to run from the last extension only, after dropping trailing dots
 * and spaces; everything before it is decoration the attacker controls.
 */

/** Extensions Windows/macOS will run, install, mount or hand to a script host on double-click. */
export const DANGEROUS_EXTENSIONS: Record<string, string> = {
  exe: 'Windows program',
  scr: 'Windows screensaver program',
  com: 'DOS/Windows program',
  pif: 'Windows program shortcut',
  cpl: 'Windows control-panel program',
  dll: 'Windows program library',
  ocx: 'Windows program library',
  xll: 'Excel add-in program',
  msi: 'Windows installer',
  msp: 'Windows installer patch',
  msix: 'Windows app installer',
  appx: 'Windows app installer',
  appinstaller: 'Windows app installer',
  application: 'ClickOnce installer',
  gadget: 'Windows gadget',
  msc: 'Windows management console file',
  bat: 'Windows batch script',
  cmd: 'Windows batch script',
  vbs: 'VBScript',
  vbe: 'encoded VBScript',
  js: 'JScript (runs outside the browser on Windows)',
  jse: 'encoded JScript',
  wsf: 'Windows script file',
  wsh: 'Windows script settings',
  wsc: 'Windows script component',
  sct: 'Windows script component',
  hta: 'HTML application (runs with full rights)',
  ps1: 'PowerShell script',
  psm1: 'PowerShell module',
  reg: 'registry change file',
  inf: 'Windows setup information file',
  scf: 'Windows Explorer command file',
  lnk: 'Windows shortcut',
  url: 'Internet shortcut',
  chm: 'compiled HTML help (can run scripts)',
  'settingcontent-ms': 'Windows settings shortcut',
  'library-ms': 'Windows library description',
  'searchconnector-ms': 'Windows search connector',
  iso: 'disk image',
  img: 'disk image',
  vhd: 'virtual hard disk image',
  vhdx: 'virtual hard disk image',
  udf: 'disk image',
  jar: 'Java program',
  jnlp: 'Java Web Start launcher',
  apk: 'Android app',
  dmg: 'macOS disk image',
  pkg: 'macOS installer',
  mobileconfig: 'Apple configuration profile (can redirect mail and install certificates)',
};

/** Macro-enabled Office formats: the extension itself says the file carries code. */
export const MACRO_EXTENSIONS: Record<string, string> = {
  docm: 'macro-enabled Word document',
  dotm: 'macro-enabled Word template',
  xlsm: 'macro-enabled Excel workbook',
  xltm: 'macro-enabled Excel template',
  xlam: 'Excel macro add-in',
  xlsb: 'binary Excel workbook (may carry macros)',
  pptm: 'macro-enabled PowerPoint presentation',
  potm: 'macro-enabled PowerPoint template',
  ppsm: 'macro-enabled PowerPoint slide show',
  sldm: 'macro-enabled PowerPoint slide',
};

/** What a harmless-looking extension promises, used for double extensions and type mismatches. */
export type ClaimedKind = 'document' | 'spreadsheet-or-text' | 'image' | 'media' | 'calendar' | 'archive' | 'web page';

export const DECOY_EXTENSIONS: Record<string, ClaimedKind> = {
  pdf: 'document',
  doc: 'document',
  docx: 'document',
  odt: 'document',
  rtf: 'document',
  ppt: 'document',
  pptx: 'document',
  xps: 'document',
  xls: 'spreadsheet-or-text',
  xlsx: 'spreadsheet-or-text',
  ods: 'spreadsheet-or-text',
  csv: 'spreadsheet-or-text',
  txt: 'spreadsheet-or-text',
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  gif: 'image',
  bmp: 'image',
  tif: 'image',
  tiff: 'image',
  heic: 'image',
  webp: 'image',
  mp3: 'media',
  mp4: 'media',
  wav: 'media',
  mov: 'media',
  avi: 'media',
  ics: 'calendar',
  vcs: 'calendar',
  zip: 'archive',
  rar: 'archive',
  '7z': 'archive',
  htm: 'web page',
  html: 'web page',
};

export const HTML_EXTENSIONS = new Set(['htm', 'html', 'shtml', 'xhtml', 'mht', 'mhtml', 'svg', 'svgz']);

export const ARCHIVE_EXTENSIONS = new Set(['zip', 'rar', '7z', 'cab', 'gz', 'tgz', 'tar', 'bz2', 'xz', 'ace', 'arj', 'lzh', 'z', 'zst', 'r00', 'r01']);

// Text-direction overrides reverse how Latin letters are displayed: "invoice\u202Efdp.exe"
// shows as "invoiceexe.pdf". Embeddings and isolates do not reverse Latin text, so a
// Hebrew or Arabic file name using them is left alone.
const DIRECTION_OVERRIDES = /[\u202d\u202e]/u;
const INVISIBLES = /[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e\u061c\u202a-\u202e\u2066-\u2069]/gu;
// Runs of blanks that push the real extension out of view in a narrow column.
const PADDING = /[\s\u00a0\u2000-\u200a\u2028\u2029\u3000_]{4,}$/u;

/** The file name the way Windows treats it: invisible characters and trailing dots/spaces dropped. */
export function effectiveName(name: string): string {
  return name.replace(INVISIBLES, '').replace(/[.\s]+$/u, '');
}

/** Last extension, lower-case, of the effective name ('' when none). */
export function extensionOf(name: string): string {
  const base = effectiveName(name).split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : '';
}

/** A file name fit for evidence: hidden characters made visible, length bounded. */
export function showName(name: string): string {
  const visible = name.replace(INVISIBLES, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`).replace(/\s{4,}/g, (m) => ` [${m.length} blanks] `);
  return visible.length > 90 ? `${visible.slice(0, 60)}…${visible.slice(-25)}` : visible;
}

/** How the name is displayed when it contains a direction override (approximation: the rest of the name is mirrored). */
export function displayedName(name: string): string {
  const at = name.search(DIRECTION_OVERRIDES);
  if (at < 0) return name;
  const tail = name.slice(at + 1);
  const end = tail.indexOf('\u202c');
  const overridden = end >= 0 ? tail.slice(0, end) : tail;
  const after = end >= 0 ? tail.slice(end + 1) : '';
  return (name.slice(0, at) + [...overridden].reverse().join('') + after).replace(INVISIBLES, '');
}

export interface NameVerdict {
  /** Label of the dangerous extension, when the effective extension is one. */
  dangerous?: string;
  /** Label of the macro-enabled Office extension, when it is one. */
  macro?: string;
  /** Why the name is a disguise, in plain words; undefined when it is not. */
  disguise?: string;
}

export function judgeName(name: string, dangerousTable: Record<string, string> = DANGEROUS_EXTENSIONS): NameVerdict {
  const out: NameVerdict = {};
  if (!name) return out;
  const ext = extensionOf(name);
  const dangerous = Object.hasOwn(dangerousTable, ext) ? dangerousTable[ext] : undefined;
  if (dangerous) out.dangerous = dangerous;
  if (Object.hasOwn(MACRO_EXTENSIONS, ext)) out.macro = MACRO_EXTENSIONS[ext];

  if (DIRECTION_OVERRIDES.test(name)) {
    const shown = displayedName(name);
    const shownExt = extensionOf(shown);
    if (shownExt !== ext) {
      out.disguise = `a hidden text-direction character makes it display as ${JSON.stringify(shown)} although it is a .${ext || '(no extension)'} file`;
      return out;
    }
  }
  if (!dangerous && !out.macro) return out;
  const base = effectiveName(name).split(/[\\/]/).pop() ?? '';
  const stem = base.slice(0, base.length - ext.length - 1);
  if (PADDING.test(stem)) {
    out.disguise = 'blank padding pushes the real extension out of view';
    return out;
  }
  const inner = /\.([a-z0-9]{1,5})[\s_]*$/i.exec(stem);
  const decoy = inner ? inner[1].toLowerCase() : '';
  if (inner && Object.hasOwn(DECOY_EXTENSIONS, decoy) && DECOY_EXTENSIONS[decoy] !== 'archive') {
    out.disguise = `disguised with a double extension (.${decoy}.${ext})`;
  }
  return out;
}

/**
 * Samples the name rules must get right; the test suite iterates over them, so a change to
 * the tables that breaks a case fails loudly.
 */
export const NAME_SAMPLES: { name: string; dangerous: boolean; disguised: boolean }[] = [
  { name: 'invoice.pdf.exe', dangerous: true, disguised: true },
  { name: 'Scan_2024-03-01.PDF.js', dangerous: true, disguised: true },
  { name: 'payment advice.doc                          .scr', dangerous: true, disguised: true },
  { name: 'lab results.pdf__________.bat', dangerous: true, disguised: true },
  { name: 'invoice\u202efdp.exe', dangerous: true, disguised: true },
  { name: 'Rechnung\u202egpj.js', dangerous: true, disguised: true },
  { name: 'statement.pdf.iso', dangerous: true, disguised: true },
  { name: 'document.exe.', dangerous: true, disguised: false },
  { name: 'setup.exe', dangerous: true, disguised: false },
  { name: 'shortcut.lnk', dangerous: true, disguised: false },
  { name: 'report.docm', dangerous: false, disguised: false },
  { name: 'invoice.pdf', dangerous: false, disguised: false },
  { name: 'discharge summary.pdf', dangerous: false, disguised: false },
  { name: 'photos.tar.gz', dangerous: false, disguised: false },
  { name: 'report.pdf.zip', dangerous: false, disguised: false },
  { name: 'v1.2.3-release-notes.txt', dangerous: false, disguised: false },
  { name: 'appointment.ics', dangerous: false, disguised: false },
  { name: 'IMG_2034.JPG', dangerous: false, disguised: false },
  { name: 'מכתב שחרור.pdf', dangerous: false, disguised: false },
  { name: '\u202bتقرير\u202c.pdf', dangerous: false, disguised: false },
];
