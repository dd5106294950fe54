import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildMail } from '../../test/helpers/mail.ts';

const BIN = fileURLToPath(new URL('../../bin/medshield.mjs', import.meta.url));
const run = (args: string[], input?: Buffer) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const dir = mkdtempSync(join(tmpdir(), 'medshield-cli-'));
const legit = join(dir, 'legit.eml');
writeFileSync(
  legit,
  buildMail({
    from: 'Lakeside Cardiology <referrals@lakesidecardio.com>',
    subject: 'Referral follow-up for next week',
    text: 'Hi team,\n\nThanks for the referral. We scheduled the consult for Tuesday at 10am and will send notes after the visit.\n\nBest,\nDr. Patel',
  }),
);
const garbage = join(dir, 'garbage.eml');
writeFileSync(garbage, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));

describe('medshield CLI', () => {
  it('scans a file and explains the verdict for people', () => {
    const r = run(['scan', '--workers', '1', legit]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /legit\.eml: (DELIVER|TAG) \(score -?[\d.]+, [\d.]+ ms\)/);
    assert.match(r.out, /from referrals@lakesidecardio\.com — "Referral follow-up for next week"/);
  });

  it('prints one JSON object per message with --jsonl, reads stdin, and fails closed on garbage', () => {
    const r = run(['scan', '--workers', '1', '--jsonl', legit, garbage, '-'], readLegit());
    assert.equal(r.code, 0, r.err);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => x.file), [legit, garbage, '-']);
    for (const x of rows) {
      assert.deepEqual(Object.keys(x).slice(0, 5), ['file', 'verdict', 'score', 'signals', 'ms']);
    }
    assert.equal(rows[1].verdict, 'quarantine');
    assert.equal(rows[1].signals[0].id, 'UNSCANNABLE');
    assert.equal(rows[2].verdict, rows[0].verdict);
  });

  it('reports missing paths and bad usage with clear errors and exit codes', () => {
    const missing = run(['scan', '--workers', '1', join(dir, 'nope.eml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nope\.eml: ENOENT/);
    assert.equal(run(['frobnicate']).code, 2);
    const noPath = run(['scan']);
    assert.equal(noPath.code, 2);
    assert.match(noPath.err, /scan needs at least one PATH/);
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'policy:\n  thresholds:\n    tag: lots\n');
    const bad = run(['scan', '--config', cfg, legit]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /policy\.thresholds\.tag/);
  });

  it('evaluates a labelled tree per source and label', () => {
    const root = join(dir, 'corpus');
    for (const [label, mails] of Object.entries({
      ham: [readLegit()],
      phish: [Buffer.from('not a message at all \x00\x01')],
    })) {
      mkdirSync(join(root, 'mini', label), { recursive: true });
      mails.forEach((m, i) => writeFileSync(join(root, 'mini', label, `${i}.eml`), m));
    }
    const r = run(['eval', '--workers', '1', '--json', root]);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    const cell = (label: string) => report.cells.find((c: { source: string; label: string }) => c.source === 'mini' && c.label === label);
    assert.equal(cell('ham').messages, 1);
    assert.equal(cell('ham').caught, 0);
    assert.equal(cell('phish').caught, 1);
    assert.equal(cell('phish').unscannable, 1);
  });
});

function readLegit(): Buffer {
  return buildMail({
    from: 'Lakeside Cardiology <referrals@lakesidecardio.com>',
    subject: 'Referral follow-up for next week',
    text: 'Hi team,\n\nThanks for the referral. We scheduled the consult for Tuesday at 10am and will send notes after the visit.\n\nBest,\nDr. Patel',
  });
}
