/**
 * A whole Medshield (gateway + API + console) on loopback with data in it, for the console's
 * browser tests and for developing the console against a live API.
 *
 *   import { startConsoleFixture } from '../api/testing/console-fixture.ts';
 *   const f = await startConsoleFixture();        // ~10 s: real scanner, demo mail
 *   // f.baseUrl           http://127.0.0.1:<port>  (console at /, API at /api)
 *   // f.users.admin       { username: 'admin', password: … }; also analyst, auditor, viewer
 *   // f.messages          every message sent: file, kind, spoolId, verdict, quarantineId
 *   // f.hostile           the quarantined hostile-HTML message (script, handlers, beacons…)
 *   // f.photoMatch        the quarantined phish showing a directory doctor's photo under another name
 *   // f.maildir(addr)     what was delivered to a recipient (after a release, say)
 *   await f.drain();      // wait until every message is scanned and every due delivery made
 *   await f.stop();       // stops everything and removes the temp data directory
 *
 * Options: `consoleDir` (default dist/console; null = API only), `scanner: 'scripted'` (the
 * gateway tests' scripted worker: verdicts from "[quarantine]"-style subject tags, fast),
 * `mail: 'none'` (start empty), `beaconUrl` (where the hostile message's remote loads point,
 * e.g. a loopback server the test counts hits on; default an unused loopback port).
 *
 * What it sets up: a temp data directory (key, store, TLS material), the demo organisation
 * (demo/medshield.yaml, DNS from its fixture, so authentication results are real and
 * offline), the demo provider directory (fixtures/demo-org, with photos) imported into the
 * store, one account per role with a known password (already changed, so no one-time
 * password step), and then through SMTP: the demo mail (12 legitimate hospital messages, 11
 * phishing) plus the hostile-HTML and photo-match messages below.
 *
 * Run directly it prints one JSON line {baseUrl, users, ports, dataDir} and serves until
 * SIGTERM/SIGINT, e.g. for `vite` to proxy /api to while the console is developed:
 *
 *   node --import tsx src/api/testing/console-fixture.ts [--console-dir DIR|--no-console] [--scripted] [--port N]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigFile, validateConfig } from '../../config/load.ts';
import type { MedshieldConfig } from '../../config/schema.ts';
import { withPathsFrom } from '../../cli/serve.ts';
import { readDirectorySource } from '../../directory/sources.ts';
import { saveDirectoryData } from '../../directory/store.ts';
import { headerFromAddress } from '../../gateway/header-from.ts';
import { silentLogger, type Logger } from '../../gateway/log.ts';
import { sendMessage } from '../../gateway/send-client.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { readMaildir, SCRIPTED_WORKER } from '../../gateway/testing/harness.ts';
import { openDatabase } from '../../store/database.ts';
import type { Role } from '../../users/roles.ts';
import { DEFAULT_CONSOLE_DIR } from '../console-server.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO_CONFIG = join(ROOT, 'demo/medshield.yaml');
const DEMO_MAIL = join(ROOT, 'demo/mail');
const DEMO_DIRECTORY = join(ROOT, 'fixtures/demo-org/directory.yaml');
const DOCTOR_PHOTO = join(ROOT, 'fixtures/demo-org/photos/p01.jpg');

export interface FixtureUser {
  username: string;
  password: string;
}

export interface SentMessage {
  /** The .eml file name, or 'hostile-html' / 'photo-match'. */
  file: string;
  kind: 'legitimate' | 'phishing';
  subject: string;
  from: string;
  to: string[];
  smtp: { code: number; response: string };
  /** The console's message id (the gateway's spool id); null when the message was refused before it was queued. */
  spoolId: string | null;
  /** deliver | tag | hold | quarantine | reject, once scanned. */
  verdict: string | null;
  quarantineId: string | null;
}

export interface ConsoleFixture {
  baseUrl: string;
  ports: { smtp: number; http: number };
  dataDir: string;
  users: Record<Role, FixtureUser>;
  messages: SentMessage[];
  hostile: SentMessage | null;
  photoMatch: SentMessage | null;
  gateway: RunningGateway;
  /** Sends one more message through SMTP and waits for its verdict. */
  send(raw: Buffer, o?: { file?: string; kind?: SentMessage['kind'] }): Promise<SentMessage>;
  maildir(recipient: string): Buffer[];
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export interface FixtureOptions {
  consoleDir?: string | null;
  scanner?: 'real' | 'scripted';
  mail?: 'demo' | 'none';
  beaconUrl?: string;
  logger?: Logger;
  /** HTTP port (default: any free one). */
  httpPort?: number;
  /** Extra configuration laid over the demo organisation's. */
  config?: Record<string, unknown>;
}

export const FIXTURE_PASSWORDS: Record<Role, string> = {
  admin: 'admin-fixture-pass-1',
  analyst: 'analyst-fixture-pass-2',
  auditor: 'auditor-fixture-pass-3',
  viewer: 'viewer-fixture-pass-4',
};

/**
 * Hostile HTML of the kinds the safe preview must neutralise: scripts, event handlers,
 * javascript: links, SVG script, CSS url() beacons, meta refresh, forms, <base>, iframes,
 * srcset and remote images. Every remote reference points at `beaconUrl` so a test can
 * count what a browser fetched (nothing, if the preview is safe). Its text is a plain
 * credential phish so the scanner quarantines it.
 */
export function hostileHtmlMessage(beaconUrl: string, o: { subject?: string; to?: string } = {}): Buffer {
  const b = beaconUrl.replace(/\/+$/, '');
  const html = `<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=${b}/refresh">
<base href="${b}/base/">
<link rel="stylesheet" href="${b}/stylesheet.css">
<style>body { background: url('${b}/style-background.png'); } @import url('${b}/import.css');</style>
<script>window.top.document.title = 'PWNED'; fetch('${b}/script-fetch');</script>
<script src="${b}/external.js"></script>
</head><body onload="fetch('${b}/body-onload')">
<h2>Microsoft 365: password expires today</h2>
<p>Your mailbox password expires today. Verify your account now or you will lose access to email and patient records.</p>
<p><a href="javascript:fetch('${b}/js-link')">Keep my password</a> or <a href="${b}/login">sign in here</a>.</p>
<img src="${b}/remote.png" alt="logo" onerror="fetch('${b}/img-onerror')">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" srcset="${b}/srcset-2x.png 2x" alt="pixel">
<svg xmlns="http://www.w3.org/2000/svg" onload="fetch('${b}/svg-onload')"><script>fetch('${b}/svg-script')</script><image href="${b}/svg-image.png"/></svg>
<div style="background-image: url(${b}/inline-style.png)">Important notice</div>
<table background="${b}/table-background.png"><tr><td>Account ID</td></tr></table>
<form action="${b}/form-post" method="post"><input name="email" placeholder="Email"><input name="password" type="password"><button>Verify</button></form>
<iframe src="${b}/iframe"></iframe>
<object data="${b}/object"></object><embed src="${b}/embed">
<video poster="${b}/poster.png"></video><audio src="${b}/audio.mp3"></audio>
</body></html>`;
  return Buffer.from(
    [
      'From: "Mail Administrator" <security@m365-account-verify.xyz>',
      `To: ${o.to ?? 'dr.reyes@stmarys-health.org'}`,
      `Subject: ${o.subject ?? 'Action required: your password expires today'}`,
      'Date: Mon, 16 Nov 2026 10:00:00 +0000',
      `Message-ID: <hostile-${process.pid}-${Date.now()}@m365-account-verify.xyz>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      html,
      '',
    ].join('\r\n'),
  );
}

/** A "Zocdoc" booking lure that shows Dr. Elizabeth Carter's directory photo under an invented doctor's name. */
export function photoMatchMessage(o: { to?: string } = {}): Buffer {
  const photo = readFileSync(DOCTOR_PHOTO).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: "Dr. Sarah Mitchell" <appointments@zocdoc-bookings.net>',
      `To: ${o.to ?? 'nurse.kim@stmarys-health.org'}`,
      'Subject: Your Appointment is Ready! Confirm with Dr. Sarah Mitchell',
      'Date: Mon, 16 Nov 2026 11:00:00 +0000',
      `Message-ID: <photo-${process.pid}-${Date.now()}@zocdoc-bookings.net>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="fx-related"',
      '',
      '--fx-related',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hello,</p><p>Dr. Sarah Mitchell, MD has an opening for you this week.</p><img src="cid:doctor@fx" alt="Dr. Sarah Mitchell">' +
        '<p>To confirm, call our booking desk at (888) 555-0199 with your date of birth, Social Security number and insurance member ID ready.</p><p>Zocdoc Patient Services</p>',
      '--fx-related',
      'Content-Type: image/jpeg; name="dr-mitchell.jpg"',
      'Content-ID: <doctor@fx>',
      'Content-Disposition: inline; filename="dr-mitchell.jpg"',
      'Content-Transfer-Encoding: base64',
      '',
      photo,
      '--fx-related--',
      '',
    ].join('\r\n'),
  );
}

/** New Date and Message-ID per run, so repeated fixtures send distinct messages (as `medshield demo` does). */
function freshen(raw: Buffer, tag: string): Buffer {
  const text = raw
    .toString('latin1')
    .replace(/^Message-ID:.*$/im, `Message-ID: <fixture-${process.pid}-${tag}@fixture.medshield.invalid>`)
    .replace(/^Date:.*$/im, `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`);
  return Buffer.from(text, 'latin1');
}

function headerValue(raw: Buffer, name: string): string {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
}

function recipientsOf(raw: Buffer): string[] {
  return [...headerValue(raw, 'To').matchAll(/<([^>]+)>|([^\s,<>]+@[^\s,<>]+)/g)].map((m) => (m[1] ?? m[2])!.toLowerCase());
}

function fixtureConfig(o: FixtureOptions): MedshieldConfig {
  const demo = withPathsFrom(loadConfigFile(DEMO_CONFIG), DEMO_CONFIG);
  const extra = o.config ?? {};
  return validateConfig({
    ...demo,
    ...extra,
    gateway: { ...demo.gateway, listenHost: '127.0.0.1', scanWorkers: 2, submission: { enabled: false, users: [] }, ...(extra.gateway as object | undefined) },
    // Browser tests sign in many times from one address.
    console: { ...demo.console, login: { ...demo.console.login, perIpPerMinute: 1000 }, ...(extra.console as object | undefined) },
  });
}

function storeEnv(): NodeJS.ProcessEnv {
  const { MEDSHIELD_DATABASE_URL, MEDSHIELD_DATABASE_SCHEMA_PER_PATH } = process.env;
  return {
    ...(MEDSHIELD_DATABASE_URL ? { MEDSHIELD_DATABASE_URL } : {}),
    ...(MEDSHIELD_DATABASE_SCHEMA_PER_PATH ? { MEDSHIELD_DATABASE_SCHEMA_PER_PATH } : {}),
  };
}

export async function startConsoleFixture(o: FixtureOptions = {}): Promise<ConsoleFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medshield-console-'));
  const config = fixtureConfig(o);

  // The demo directory, imported into the store as `medshield directory import` would: the
  // scanner and the console's directory page both read it there.
  const db = openDatabase(join(dataDir, 'medshield.db'));
  try {
    saveDirectoryData(db, readDirectorySource(DEMO_DIRECTORY).data, 'fixtures/demo-org/directory.yaml');
  } finally {
    db.close();
  }

  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      config,
      runtime: { dataDir, smtpPort: 0, submissionPort: null, httpPort: o.httpPort ?? 0, relay: null },
      // Only the store location from the environment: the suite runs on SQLite and on PostgreSQL.
      env: storeEnv(),
      logger: o.logger ?? silentLogger,
      scanWorkerUrl: o.scanner === 'scripted' ? SCRIPTED_WORKER : undefined,
      pollIntervalMs: 50,
      closeTimeoutMs: 1000,
      console: true,
      consoleDir: o.consoleDir === undefined ? DEFAULT_CONSOLE_DIR : o.consoleDir,
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const cs = gateway.console!;
  const ctx = cs.context;

  const users = {} as Record<Role, FixtureUser>;
  for (const role of ['admin', 'analyst', 'auditor', 'viewer'] as const) {
    const username = role;
    const existing = ctx.users.get(username);
    const { password: oneTime } = existing ? await ctx.users.resetPassword(username) : await ctx.users.add(username, role, 'fixture');
    await ctx.users.changePassword(username, oneTime, FIXTURE_PASSWORDS[role]);
    users[role] = { username, password: FIXTURE_PASSWORDS[role] };
  }

  const drain = async () => {
    for (;;) {
      await gateway.core.settled();
      await gateway.core.deliveries.idle();
      const s = gateway.core.journal.stats();
      if (s.undecided === 0 && gateway.core.journal.dueDeliveries(Date.now(), 1).length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    cs.catchUp();
  };

  let counter = 0;
  const send = async (raw: Buffer, so: { file?: string; kind?: SentMessage['kind'] } = {}): Promise<SentMessage> => {
    const to = recipientsOf(raw);
    const from = headerFromAddress(raw);
    const lastSeq = gateway.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM gateway_messages').pluck().get() as number;
    const reply = await sendMessage(gateway.ports.smtp, { from, to, raw });
    // A 550 names no queue id; sends are one at a time, so the journal's next inbound row is this message.
    const spoolId =
      /Queued as (\S+?);?(?:\s|$)/.exec(reply.response)?.[1] ??
      ((gateway.db.prepare("SELECT spool_id FROM gateway_messages WHERE seq > ? AND origin = 'inbound' ORDER BY seq LIMIT 1").pluck().get(lastSeq) as string | undefined) ?? null);
    await gateway.core.settled();
    cs.catchUp();
    const row = spoolId ? gateway.core.journal.message(spoolId) : null;
    return {
      file: so.file ?? `message-${++counter}`,
      kind: so.kind ?? 'phishing',
      subject: headerValue(raw, 'Subject'),
      from,
      to,
      smtp: { code: reply.code, response: reply.response },
      spoolId,
      verdict: row?.verdict?.action ?? (reply.code >= 500 ? 'reject' : null),
      quarantineId: row?.quarantineId ?? null,
    };
  };

  const messages: SentMessage[] = [];
  let hostile: SentMessage | null = null;
  let photoMatch: SentMessage | null = null;
  try {
    if (o.mail !== 'none') {
      const files = readdirSync(DEMO_MAIL).filter((f) => f.endsWith('.eml')).sort();
      for (const file of files) {
        const raw = freshen(readFileSync(join(DEMO_MAIL, file)), file.replace(/\.eml$/, ''));
        messages.push(await send(raw, { file, kind: file.startsWith('legit') ? 'legitimate' : 'phishing' }));
      }
      const subjectTag = o.scanner === 'scripted' ? ' [quarantine]' : '';
      hostile = await send(hostileHtmlMessage(o.beaconUrl ?? 'http://127.0.0.1:9', { subject: `Action required: your password expires today${subjectTag}` }), { file: 'hostile-html' });
      photoMatch = await send(photoMatchMessage(), { file: 'photo-match' });
      messages.push(hostile, photoMatch);
      await drain();
    }
  } catch (err) {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  let stopped = false;
  return {
    baseUrl: `http://127.0.0.1:${gateway.ports.http}`,
    ports: { smtp: gateway.ports.smtp, http: gateway.ports.http },
    dataDir,
    users,
    messages,
    hostile,
    photoMatch,
    gateway,
    send,
    maildir: (recipient) => readMaildir(join(dataDir, 'maildir', recipient.toLowerCase())),
    drain,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { 'console-dir': { type: 'string' }, 'no-console': { type: 'boolean' }, scripted: { type: 'boolean' }, port: { type: 'string' }, empty: { type: 'boolean' } },
  });
  const f = await startConsoleFixture({
    consoleDir: values['no-console'] ? null : (values['console-dir'] ?? undefined),
    scanner: values.scripted ? 'scripted' : 'real',
    mail: values.empty ? 'none' : 'demo',
    httpPort: values.port ? Number(values.port) : undefined,
  });
  process.stdout.write(
    `${JSON.stringify({
      baseUrl: f.baseUrl,
      users: f.users,
      ports: f.ports,
      dataDir: f.dataDir,
      hostile: f.hostile?.spoolId ?? null,
      photoMatch: f.photoMatch?.spoolId ?? null,
      messages: f.messages.map((m) => ({ file: m.file, spoolId: m.spoolId, verdict: m.verdict, quarantineId: m.quarantineId })),
    })}\n`,
  );
  const stop = () => void f.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
