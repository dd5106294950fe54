import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { describe, it } from 'node:test';
import { silentLogger } from '../../gateway/log.ts';
import { openDatabase } from '../../store/database.ts';
import { respondSchema } from '../settings.ts';
import { readCounters } from './counters.ts';
import { AlertDispatcher } from './dispatcher.ts';
import { AlertOutbox, newEvent } from './events.ts';
import { formatSyslog5424, frameOctetCounting } from './syslog.ts';
import { signWebhook, verifyWebhookSignature } from './webhook.ts';

describe('webhook signatures (HMAC-SHA256)', () => {
  it('signs "<timestamp>.<body>" and verifies only the same body, key and a recent timestamp', () => {
    const body = '{"type":"campaign.contained"}';
    const header = signWebhook('k3y', body, 1_800_000_000);
    const expected = createHmac('sha256', 'k3y').update(`1800000000.${body}`).digest('hex');
    assert.equal(header, `t=1800000000,v1=${expected}`);
    const now = 1_800_000_000_000;
    assert.equal(verifyWebhookSignature('k3y', header, body, { now }), true);
    assert.equal(verifyWebhookSignature('k3y', header, body.replace('contained', 'released'), { now }), false, 'altered body');
    assert.equal(verifyWebhookSignature('other', header, body, { now }), false, 'wrong key');
    assert.equal(verifyWebhookSignature('k3y', header, body, { now: now + 3600_000 }), false, 'replayed an hour later');
    assert.equal(verifyWebhookSignature('k3y', 'v1=abc', body, { now }), false, 'malformed header');
  });
});

describe('syslog (RFC 5424)', () => {
  it('formats header, structured data with escapes, and MSG', () => {
    const line = formatSyslog5424({
      facility: 13,
      severity: 'error',
      timestamp: new Date('2026-11-03T10:00:00.123Z'),
      hostname: 'mx.stmarys-health.org',
      appName: 'medshield',
      procId: '4242',
      msgId: 'campaign.contained',
      structuredData: { 'medshield@32473': { campaign: '7', name: 'call "+1 888" [urgent] \\ now' } },
      message: 'campaign #7 contained',
    });
    // PRI = 13 × 8 + 3.
    assert.equal(line, '<107>1 2026-11-03T10:00:00.123Z mx.stmarys-health.org medshield 4242 campaign.contained [medshield@32473 campaign="7" name="call \\"+1 888\\" [urgent\\] \\\\ now"] campaign #7 contained');
    const bare = formatSyslog5424({ facility: 4, severity: 'info', timestamp: new Date('2026-11-03T10:00:00Z'), hostname: 'h', appName: 'a', procId: '1', message: 'Zürich' });
    assert.equal(bare, '<38>1 2026-11-03T10:00:00.000Z h a 1 - - \ufeffZürich', 'NILVALUE for missing fields; UTF-8 MSG starts with a BOM');
    assert.throws(() => formatSyslog5424({ facility: 24, severity: 'info', timestamp: new Date(), appName: 'a', message: '' }), /facility/);
    assert.equal(frameOctetCounting('<38>1 x').toString(), '7 <38>1 x');
  });
});

describe('alert dispatch', () => {
  it('delivers signed webhooks with retries, and syslog over UDP and TCP', async () => {
    const got: { event: string; delivery: string; valid: boolean; status: number }[] = [];
    let calls = 0;
    const http = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls++;
        const status = calls <= 2 ? 500 : 204; // down twice, then up
        got.push({ event: String(req.headers['x-medshield-event']), delivery: String(req.headers['x-medshield-delivery']), valid: verifyWebhookSignature('s3cret', String(req.headers['x-medshield-signature']), body), status });
        res.writeHead(status).end();
      });
    });
    const gone = createHttpServer((_req, res) => res.writeHead(410).end());
    const udp = createSocket('udp4');
    const udpLines: string[] = [];
    udp.on('message', (m) => udpLines.push(m.toString('utf8')));
    const tcpData: string[] = [];
    const tcp = createTcpServer((s) => s.on('data', (d) => tcpData.push(d.toString('utf8'))));
    await Promise.all([
      new Promise<void>((r) => http.listen(0, '127.0.0.1', r)),
      new Promise<void>((r) => gone.listen(0, '127.0.0.1', r)),
      new Promise<void>((r) => udp.bind(0, '127.0.0.1', r)),
      new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r)),
    ]);
    const port = (s: { address(): unknown }) => (s.address() as { port: number }).port;
    const db = openDatabase(':memory:');
    let protocol: 'udp' | 'tcp' = 'udp';
    const settings = () =>
      respondSchema.parse({
        alerts: {
          webhooks: [
            { url: `http://127.0.0.1:${port(http)}/hook`, secret: { value: 's3cret' } },
            { url: `http://127.0.0.1:${port(gone)}/hook`, secret: { value: 'x' }, events: ['campaign.contained'] },
          ],
          syslog: { host: '127.0.0.1', port: protocol === 'udp' ? port(udp) : port(tcp), protocol },
        },
      }).alerts;
    const outbox = new AlertOutbox(db, settings);
    const dispatcher = new AlertDispatcher({ outbox, settings, logger: silentLogger, retryBaseMs: 20, pollMs: 20 });
    try {
      assert.equal(outbox.enqueue(newEvent('campaign.contained', 'high', 'campaign #3 contained', { campaign: 3 })), 3, 'two webhooks and syslog');
      assert.equal(outbox.enqueue(newEvent('report.received', 'low', 'report 9', { report: 9 })), 2, 'the second webhook wants containments only');
      dispatcher.start();
      for (let i = 0; i < 200 && outbox.due(Date.now() + 60_000).length; i++) await new Promise((r) => setTimeout(r, 20));
      await dispatcher.idle();

      const delivered = got.filter((g) => g.status === 204).map((g) => g.event).sort();
      assert.deepEqual(delivered, ['campaign.contained', 'report.received']);
      assert.ok(got.every((g) => g.valid), 'every attempt is signed');
      assert.equal(got.filter((g) => g.status === 500).length, 2);
      const counts = Object.fromEntries(outbox.counts().map((c) => [`${c.state} ${c.target.split(':')[0]}`, (c as { n: number }).n]));
      assert.equal(counts['sent webhook'], 2);
      assert.equal(counts['failed webhook'], 1, '410 Gone is not retried');
      assert.equal(counts['sent syslog'], 2);
      assert.ok(readCounters(db, 'medshield_alerts_retried_total').some((c) => c.value >= 2));
      assert.equal(udpLines.length, 2);
      assert.match(udpLines[0]!, /^<107>1 \S+ \S+ medshield \d+ campaign\.contained \[medshield@32473 event="campaign\.contained" id="[0-9a-f-]{36}" severity="high" campaign="3"\] campaign #3 contained$/);

      protocol = 'tcp';
      outbox.enqueue(newEvent('pullback.completed', 'medium', 'pull-back #1 finished', { pullback: 1 }));
      dispatcher.kick();
      for (let i = 0; i < 200 && !tcpData.join('').includes('pull-back #1'); i++) await new Promise((r) => setTimeout(r, 20));
      const framed = tcpData.join('');
      const m = /^(\d+) (<\d+>1 .*)$/s.exec(framed);
      assert.ok(m, framed);
      assert.equal(Number(m[1]), Buffer.byteLength(m[2]!), 'octet-counting frame (RFC 6587)');
    } finally {
      await dispatcher.stop();
      await Promise.all([new Promise((r) => http.close(r)), new Promise((r) => gone.close(r)), new Promise((r) => tcp.close(r))]);
      udp.close();
      db.close();
    }
  });
});
