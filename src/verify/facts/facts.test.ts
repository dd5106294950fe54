import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LAB_RESULT_LINES, textPdf, zip } from '../../analyzers/attachments/test-fixtures.ts';
import { defaultConfig } from '../../config/load.ts';
import { xlsx } from '../extract/fixtures.ts';
import { factsRequest } from '../reader.ts';
import { FactsPool } from './facts-pool.ts';
import { messageFacts } from './message-facts.ts';

function multipart(parts: { name: string; type: string; content: Buffer }[], body: string, headers: string[] = []): Buffer {
  const b = 'b-verify-test';
  return Buffer.from(
    [
      'From: HIM Desk <him@stmarys-health.org>',
      'To: Dr. X <dr.x@elsewhere.example>',
      'Reply-To: desk@stmarys-health.org',
      'Subject: Records as requested',
      'Message-ID: <Out-1@stmarys-health.org>',
      ...headers,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      ...parts.flatMap((p) => [`--${b}`, `Content-Type: ${p.type}; name="${p.name}"`, `Content-Disposition: attachment; filename="${p.name}"`, 'Content-Transfer-Encoding: base64', '', p.content.toString('base64').replace(/.{76}/g, '$&\r\n')]),
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

describe('message facts for verification', () => {
  const config = defaultConfig();
  const pool = new FactsPool({ size: 1, timeoutMs: 60_000 });
  after(() => pool.close());

  it('reads headers, phones, and PHI in the body and in PDF and Excel attachments; names what it could not read', async () => {
    const raw = multipart(
      [
        { name: 'labs.pdf', type: 'application/pdf', content: textPdf(LAB_RESULT_LINES) },
        { name: 'list.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: xlsx([['Name', 'DOB', 'SSN'], ['Roe, John', { date: 21287 }, '212-48-6617']]) },
        { name: 'more.zip', type: 'application/zip', content: zip({ 'a.csv': 'x,y' }) },
      ],
      'Please see attached. Call me at (617) 555-0111 with questions.',
      ['In-Reply-To: <Phish-A@mail.gmail.com>', 'References: <older@x.example> <Phish-A@mail.gmail.com>'],
    );
    const r = await pool.read(raw, factsRequest(config, { phiScan: true, textChars: 100 }));
    assert.ok(r.ok, r.ok ? '' : r.error);
    const f = r.facts;
    assert.equal(f.messageId, 'out-1@stmarys-health.org');
    assert.deepEqual(f.answers, ['phish-a@mail.gmail.com', 'older@x.example']);
    assert.deepEqual(f.replyTo, ['desk@stmarys-health.org']);
    assert.deepEqual(f.phones.map((p) => p.e164), ['+16175550111']);
    assert.equal(f.phi.phi, true);
    assert.deepEqual(f.phi.kinds, ['ssn', 'dob', 'mrn']);
    assert.ok(f.phi.findings.some((x) => x.kind === 'mrn' && x.source === 'labs.pdf'));
    assert.ok(f.phi.findings.some((x) => x.kind === 'ssn' && x.source === 'list.xlsx' && x.masked === '***-**-6617'));
    assert.deepEqual(f.unreadable, ['more.zip: an archive (not opened)']);
    assert.equal(f.text, 'Please see attached. Call me at (617) 555-0111 with questions.');
    assert.doesNotMatch(JSON.stringify(f.phi), /212-48|00418822/, 'findings are masked');
  });

  it('reads only what inbound needs when asked (no attachments, no PHI scan)', async () => {
    const f = await messageFacts(multipart([{ name: 'labs.pdf', type: 'application/pdf', content: textPdf(LAB_RESULT_LINES) }], 'hello'), factsRequest(config, { phiScan: false, textChars: 0 }));
    assert.deepEqual(f.attachments, []);
    assert.equal(f.phi.phi, false);
    assert.equal(f.text, '');
  });

  it('answers an error, not a crash, for input it cannot take', async () => {
    const r = await pool.read(Buffer.alloc(2048, 0x41), { ...factsRequest(config, { phiScan: true, textChars: 0 }), parse: { ...config.limits, maxBytes: 1024 } });
    assert.equal(r.ok, false);
    const next = await pool.read(multipart([], 'SSN 212-48-6617 for Roe, John'), factsRequest(config, { phiScan: true, textChars: 0 }));
    assert.ok(next.ok && next.facts.phi.phi, 'the pool keeps working');
  });
});
