import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testMail } from './testing/harness.ts';
import { sendMessage } from './testing/smtp-clients.ts';
import { SplitDeployment, type RoleProcess } from './testing/split-deployment.ts';

// PostgreSQL and NATS JetStream run at their standard loopback ports on the development and
// CI machines; the test gets a schema and a stream of its own and removes both.
const PG_URL = process.env.MEDSHIELD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.MEDSHIELD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const MESSAGES = Number(process.env.MEDSHIELD_SCALE_MESSAGES) || 2000;
const MAILBOXES = ['ward3@stmarys-health.org', 'pharmacy@stmarys-health.org', 'billing@stmarys-health.org', 'radiology@stmarys-health.org'];

// The day's mail is mostly different messages; one campaign (the quarantined tenth) repeats
// one text, as a real one does, so campaign clustering does its work along the way.
const CAMPAIGN_BODY = 'Your appointment is ready. Call 888-555-0147 today to confirm your insurance ID and date of birth.';

/** A text of its own per message (pseudo-words from a seeded generator), as ordinary mail is. */
function businessBody(n: number): string {
  let x = (n + 1) * 7919;
  const next = () => (x = (x * 48271) % 2147483647);
  const words: string[] = [];
  for (let i = 0; i < 40; i++) {
    let w = '';
    for (let k = 3 + (next() % 6); k > 0; k--) w += String.fromCharCode(97 + (next() % 26));
    words.push(w);
  }
  return `${words.join(' ')}.\r\nReference ${n}.`;
}

interface Sent {
  n: number;
  quarantine: boolean;
  /** Spool ids of the copies answered 250 (a retry after a killed front may add a second). */
  acked: string[];
  /** Attempts that got no 250: connection refused or cut (the sender retried elsewhere). */
  failed: number;
}

describe('scale-out: 2 SMTP fronts, 3 scanners, 1 delivery on PostgreSQL and NATS', () => {
  it('every message answered 250 is delivered or quarantined exactly once, with a scanner and a front SIGKILLed mid-run', { timeout: 480_000 }, async () => {
    const deployment = await SplitDeployment.create({
      pgUrl: PG_URL,
      natsUrl: NATS_URL,
      scanner: 'scripted',
      // A scanner killed mid-scan has its messages redelivered after this.
      env: { MEDSHIELD_QUEUE_ACK_WAIT_MS: '3000' },
    });
    const { admin, relay, procs } = deployment;
    const start = (role: string) => deployment.start(role);
    const alive = SplitDeployment.alive;
    try {
      // The schema is created by the first process; the others find it migrated (advisory lock).
      const [smtpA, smtpB, ...rest] = await Promise.all([start('smtp'), start('smtp'), start('scanner'), start('scanner'), start('scanner'), start('delivery')]);
      const scanners = rest.slice(0, 3);
      const fronts = [smtpA!, smtpB!];
      // Every process answers its readiness (store and queue reachable) for load balancers.
      for (const p of procs) {
        const r = await fetch(`http://127.0.0.1:${p.ports.http}/readyz`);
        assert.equal(r.status, 200, `${p.role} ready`);
        assert.equal(((await r.json()) as { checks: Record<string, string> }).checks.store, 'ok');
      }

      const messages: Sent[] = Array.from({ length: MESSAGES }, (_, n) => ({ n, quarantine: n % 10 === 3, acked: [], failed: 0 }));
      const queue = [...messages];
      let acked = 0;
      let frontKilled = false;
      let scannerKilled = false;
      const sender = async (k: number) => {
        for (let m = queue.shift(); m; m = queue.shift()) {
          const rcpt = [MAILBOXES[m.n % MAILBOXES.length]!];
          const raw = testMail({
            subject: `scale-${m.n}${m.quarantine ? ' [quarantine]' : ''}`,
            from: `Sender ${m.n % 40} <sender${m.n % 40}@partner${m.n % 7}.example>`,
            body: m.quarantine ? CAMPAIGN_BODY : businessBody(m.n),
            headers: [`X-Test-Id: scale-${m.n}`],
          });
          // Like an MTA: the preferred front first, the other one when it fails.
          const order = (m.n + k) % 2 === 0 ? fronts : [...fronts].reverse();
          for (const front of order) {
            let code = 0;
            let message = '';
            try {
              ({ code, response: message } = await sendMessage(front.ports.smtp, { from: 'sender@partner.example', to: rcpt, raw }));
            } catch {
              code = 0;
            }
            if (code === 250) {
              m.acked.push(/Queued as (\S+)/.exec(message)?.[1] ?? '?');
              acked++;
              break;
            }
            m.failed++;
          }
          if (acked === Math.round(MESSAGES * 0.3) && !scannerKilled) {
            scannerKilled = true;
            scanners[0]!.proc.kill('SIGKILL');
          }
          if (acked === Math.round(MESSAGES * 0.5) && !frontKilled) {
            frontKilled = true;
            smtpA!.proc.kill('SIGKILL');
          }
        }
      };
      const started = Date.now();
      await Promise.all(Array.from({ length: 12 }, (_, k) => sender(k)));
      const sendSeconds = (Date.now() - started) / 1000;
      assert.ok(scannerKilled && frontKilled, 'a scanner and an SMTP front were killed mid-run');
      assert.ok(!alive(scanners[0]!) && !alive(smtpA!));

      // Wait until every acknowledged copy is decided and every delivery settled.
      const ackedIds = messages.flatMap((m) => m.acked);
      assert.ok(!ackedIds.includes('?'), 'every 250 names its spool id');
      for (let i = 0; ; i++) {
        const open = admin.prepare("SELECT COUNT(*) AS n FROM gateway_messages WHERE state != 'done'").pluck().get() as number;
        if (open === 0) break;
        if (i > 3000) assert.fail(`${open} messages still undecided or delivering after 5 minutes`);
        await new Promise((r) => setTimeout(r, 100));
      }

      // Count each copy's fate by spool id: the relay sees it in our Received header, the
      // quarantine by its row.
      const delivered = new Map<string, number>();
      for (const r of relay.received) {
        const id = /\(Medshield\) with \S+ id (\S+)/.exec(r.raw.toString('latin1'))?.[1] ?? '';
        delivered.set(id, (delivered.get(id) ?? 0) + 1);
      }
      const quarantined = new Map<string, number>();
      for (const id of admin.prepare('SELECT spool_id FROM quarantine_messages').pluck().all() as string[]) quarantined.set(id, (quarantined.get(id) ?? 0) + 1);

      let exact = 0;
      for (const m of messages) {
        assert.ok(m.acked.length >= 1, `scale-${m.n} was never accepted by either front`);
        for (const id of m.acked) {
          const d = delivered.get(id) ?? 0;
          const q = quarantined.get(id) ?? 0;
          if (m.quarantine) assert.deepEqual([d, q], [0, 1], `scale-${m.n} (${id}): delivered ${d}, quarantined ${q}; expected quarantined once`);
          else assert.deepEqual([d, q], [1, 0], `scale-${m.n} (${id}): delivered ${d}, quarantined ${q}; expected delivered once`);
          exact++;
        }
      }
      // Copies nobody acknowledged (a session cut by the SIGKILL) may exist, but never twice.
      for (const [id, n] of delivered) assert.equal(n, 1, `${id} delivered ${n} times`);
      for (const [id, n] of quarantined) assert.equal(n, 1, `${id} quarantined ${n} times`);
      // Metrics per role: what the surviving front accepted, what the scanners decided.
      const metric = async (p: RoleProcess, name: string) => {
        const text = await (await fetch(`http://127.0.0.1:${p.ports.http}/metrics`)).text();
        return [...text.matchAll(new RegExp(`^${name}\\{[^}]*role="${p.role}"[^}]*\\} (\\d+)`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0);
      };
      assert.ok((await metric(smtpB!, 'medshield_accepted_total')) > 0, 'the SMTP front counts what it accepted');
      const decidedByScanners = (await metric(scanners[1]!, 'medshield_decided_total')) + (await metric(scanners[2]!, 'medshield_decided_total'));
      assert.ok(decidedByScanners > 0, 'the scanners count what they decided');
      const redelivered = messages.reduce((s, m) => s + m.failed, 0);
      process.stdout.write(
        `# scale-out: ${MESSAGES} messages in ${sendSeconds.toFixed(1)} s through 2 fronts, 3 scanners, 1 delivery; scanner and front SIGKILLed at 30% and 50% of acks; ${exact} copies answered 250, each delivered or quarantined exactly once; ${redelivered} attempts refused or cut and retried on the other front; ${relay.received.length} relayed, ${quarantined.size} quarantined\n`,
      );
      assert.equal(exact, ackedIds.length);
    } finally {
      await deployment.close();
    }
  });
});
