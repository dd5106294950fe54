import addressparser from 'nodemailer/lib/addressparser/index.js';

/**
 * The address in the From header, read from the raw header block without parsing the whole
 * message: the gateway needs it in the main thread to look up the sender's profile before
 * the scan runs in a worker. '' when there is none.
 */
export function headerFromAddress(raw: Buffer): string {
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 256 * 1024) : end).toString('latin1');
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = /^from:[ \t]*(.*)$/im.exec(unfolded);
  if (!line) return '';
  const parsed = addressparser(line[1]!, { flatten: true }) as { address?: string }[];
  return (parsed.find((a) => a.address)?.address ?? '').toLowerCase();
}
