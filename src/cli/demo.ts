import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadExistingKey, MessageCipher } from '../crypto/message-cipher.ts';
import { headerFromAddress } from '../gateway/header-from.ts';
import { Journal, type MessageRow } from '../gateway/journal.ts';
import { plainWords } from '../gateway/tagging/plain-words.ts';
import { sendMessage } from '../gateway/send-client.ts';
import { openDatabase } from '../store/database.ts';
import { UsageError } from './common.ts';
import { storeExists } from './data-store.ts';

export const demoHelp = `Usage: medshield demo [options]

Sends the demo mail (legitimate hospital mail and MedStealer-style phishing, all fictional)
to a running gateway ('npm start' in another terminal) and prints each verdict as the
gateway decided it: delivered, tagged with a warning banner, held, quarantined or rejected.

Options:
  --host HOST        gateway address (default 127.0.0.1)
  --port PORT        SMTP port (default MEDSHIELD_SMTP_PORT or 2525)
  --data-dir DIR     the gateway's data directory, to read verdict details (default MEDSHIELD_DATA_DIR or ./data)
  --mail DIR         folder of .eml files to send (default demo/mail)
  --json             one JSON object per message instead of the table
`;

const DEMO_MAIL = fileURLToPath(new URL('../../demo/mail', import.meta.url));

interface DemoResult {
  file: string;
  kind: 'legitimate' | 'phishing' | 'other';
  from: string;
  subject: string;
  smtp: string;
  verdict: string;
  outcome: string;
  score: number | null;
  signals: string[];
  explanation: string[];
}

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      mail: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(demoHelp);
    return 0;
  }
  const host = values.host ?? '127.0.0.1';
  const portText = values.port ?? process.env.MEDSHIELD_SMTP_PORT ?? '2525';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be a port number, not '${portText}'`);
  const dataDir = resolve(values['data-dir'] ?? process.env.MEDSHIELD_DATA_DIR ?? './data');
  const mailDir = values.mail ?? DEMO_MAIL;
  let files: string[];
  try {
    files = readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort();
  } catch (err) {
    throw new UsageError(`cannot read --mail ${mailDir}: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new UsageError(`no .eml files in ${mailDir}`);

  if (!(await waitForGateway(host, port, 30_000))) {
    process.stderr.write(`medshield demo: no gateway answers on ${host}:${port}; start one with 'npm start' (or 'medshield serve') and run this again\n`);
    return 1;
  }
  const journal = openJournal(dataDir);
  if (!journal) process.stderr.write(`medshield demo: no gateway store in ${dataDir}; showing SMTP replies only (use --data-dir)\n`);

  const runId = randomBytes(4).toString('hex');
  const results: DemoResult[] = [];
  if (!values.json) process.stdout.write(`Sending ${files.length} demo messages to ${host}:${port}…\n\n`);
  for (const file of files) {
    const raw = freshen(readFileSync(join(mailDir, file)), runId, file);
    const from = headerFromAddress(raw);
    const to = recipientsOf(raw);
    const reply = await sendMessage(port, { from, to, raw }, { host });
    const result: DemoResult = {
      file,
      kind: file.startsWith('legit') ? 'legitimate' : file.startsWith('phish') ? 'phishing' : 'other',
      from,
      subject: headerValue(raw, 'Subject'),
      smtp: reply.response,
      verdict: reply.code === 250 ? 'accepted' : reply.code >= 500 ? 'reject' : 'refused',
      outcome: reply.code >= 500 ? 'rejected in the SMTP session' : reply.code === 250 ? '' : 'not accepted (try again)',
      score: null,
      signals: [],
      explanation: [],
    };
    const spoolId = /Queued as (\S+?);?(?:\s|$)/.exec(reply.response)?.[1];
    if (journal && spoolId) {
      const row = await decided(journal, spoolId);
      if (row?.verdict) {
        result.verdict = row.action === 'unscannable' ? 'unscannable' : row.verdict.action === 'reject' ? 'reject' : row.verdict.action;
        result.outcome = outcomeWords(row);
        result.score = row.verdict.score;
        const positive = row.verdict.signals.filter((s) => s.score > 0).sort((a, b) => b.score - a.score);
        result.signals = positive.map((s) => s.id);
        result.explanation = [...new Set(positive.map((s) => plainWords(s.id)))].slice(0, 3);
      }
    }
    results.push(result);
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(formatResult(result));
  }
  journal?.db.close();
  if (!values.json) process.stdout.write(summary(results, dataDir));
  return 0;
}

function openJournal(dataDir: string): Journal | null {
  const dbPath = join(dataDir, 'medshield.db');
  if (!storeExists(dbPath)) return null;
  try {
    return new Journal(openDatabase(dbPath), new MessageCipher(loadExistingKey(dataDir)));
  } catch (err) {
    process.stderr.write(`medshield demo: cannot read the gateway store in ${dataDir}: ${(err as Error).message}\n`);
    return null;
  }
}

/** Polls the journal until the gateway has decided (within the gateway's own scan time-outs). */
async function decided(journal: Journal, spoolId: string): Promise<MessageRow | null> {
  for (let i = 0; i < 300; i++) {
    const row = journal.message(spoolId);
    if (row && row.state !== 'received') return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  return journal.message(spoolId);
}

function outcomeWords(row: MessageRow): string {
  if (row.outcome === 'quarantined') return row.action === 'hold' ? 'held for verification' : 'quarantined';
  if (row.outcome === 'rejected') return 'rejected in the SMTP session';
  if (row.action === 'tag') return 'delivered with a warning banner';
  return 'delivered';
}

/** New Date and Message-ID per run, so repeated demos are distinct messages. */
function freshen(raw: Buffer, runId: string, file: string): Buffer {
  const id = `<demo-${runId}-${basename(file, '.eml')}@demo.medshield.invalid>`;
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const text = raw.toString('latin1').replace(/^Message-ID:.*$/im, `Message-ID: ${id}`).replace(/^Date:.*$/im, `Date: ${date}`);
  return Buffer.from(text, 'latin1');
}

function headerValue(raw: Buffer, name: string): string {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
}

function recipientsOf(raw: Buffer): string[] {
  const to = headerValue(raw, 'To');
  return [...to.matchAll(/<([^>]+)>|([^\s,<>]+@[^\s,<>]+)/g)].map((m) => (m[1] ?? m[2])!.toLowerCase());
}

function waitForGateway(host: string, port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  return new Promise((resolveWait) => {
    const attempt = () => {
      const s = connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolveWait(true);
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) resolveWait(false);
        else setTimeout(attempt, 500);
      });
    };
    attempt();
  });
}

const MARK: Record<string, string> = {
  deliver: 'DELIVER   ',
  tag: 'TAG       ',
  hold: 'HOLD      ',
  quarantine: 'QUARANTINE',
  reject: 'REJECT    ',
  unscannable: 'UNSCANNABLE',
  accepted: 'ACCEPTED  ',
  refused: 'REFUSED   ',
};

function formatResult(r: DemoResult): string {
  const kind = r.kind === 'legitimate' ? 'legit' : r.kind === 'phishing' ? 'phish' : '     ';
  const score = r.score === null ? '' : ` score ${r.score}`;
  const lines = [`${kind}  ${MARK[r.verdict] ?? r.verdict}  ${r.subject}`, `       from ${r.from}: ${r.outcome}${score}`];
  for (const e of r.explanation) lines.push(`       - ${e}`);
  if (r.verdict === 'reject') lines.push(`       ${r.smtp}`);
  return `${lines.join('\n')}\n\n`;
}

function summary(results: DemoResult[], dataDir: string): string {
  const legit = results.filter((r) => r.kind === 'legitimate');
  const phish = results.filter((r) => r.kind === 'phishing');
  const caught = (r: DemoResult) => ['hold', 'quarantine', 'reject', 'unscannable'].includes(r.verdict);
  const lines = [
    `Legitimate: ${legit.filter((r) => r.verdict === 'deliver').length} of ${legit.length} delivered clean, ${legit.filter((r) => r.verdict === 'tag').length} with a banner, ${legit.filter(caught).length} held back.`,
    `Phishing:   ${phish.filter(caught).length} of ${phish.length} kept from inboxes, ${phish.filter((r) => r.verdict === 'tag').length} delivered with a warning banner, ${phish.filter((r) => r.verdict === 'deliver').length} missed.`,
    '',
    `Delivered mail is in ${join(dataDir, 'maildir')}/<recipient>/new (with no MEDSHIELD_RELAY set);`,
    "held and quarantined mail: 'medshield quarantine list'.",
    '',
  ];
  return lines.join('\n');
}
