import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mailboxName, MaildirTransport } from './maildir.ts';

describe('Maildir delivery', () => {
  it('writes each delivery once, even when repeated after a crash and after the mail client moved it to cur/', async () => {
    const root = mkdtempSync(join(tmpdir(), 'medshield-maildir-'));
    try {
      const t = new MaildirTransport(root);
      const job = { spoolId: 's1', seq: 7, mailFrom: 'a@b.example', raw: Buffer.from('Subject: x\r\n\r\nhi\r\n'), receivedAt: new Date(1_700_000_000_000), recipients: [{ id: 3, recipient: 'Nurse@Example.org' }], recovering: false };
      const [first] = await t.deliver(job);
      assert.equal(first!.status, 'delivered');
      const box = join(root, 'nurse@example.org');
      assert.deepEqual(readdirSync(join(box, 'new')), [(first as { detail: string }).detail]);
      assert.match((first as { detail: string }).detail, /^1700000000\.M7_D3\./);
      await t.deliver({ ...job, recovering: true });
      assert.equal(readdirSync(join(box, 'new')).length, 1);
      const name = readdirSync(join(box, 'new'))[0]!;
      renameSync(join(box, 'new', name), join(box, 'cur', `${name}:2,S`));
      await t.deliver({ ...job, recovering: true });
      assert.equal(readdirSync(join(box, 'new')).length, 0);
      assert.equal(readdirSync(join(box, 'cur')).length, 1);
      assert.deepEqual(readdirSync(join(box, 'tmp')), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('never lets an address name a path outside the Maildir root', () => {
    assert.equal(mailboxName('../../etc/passwd@x.org'), '%2e.%2f..%2fetc%2fpasswd@x.org');
    assert.ok(!mailboxName('a/b@x.org').includes('/'));
    assert.ok(!mailboxName('.hidden@x.org').startsWith('.'));
  });
});
