import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { loadDirectoryFile } from '../directory/directory.ts';
import { loadModules } from '../training/modules.ts';
import { peopleSource } from './people-source.ts';
import { inventedDoctor, renderMessage } from './render.ts';
import { linkNumbers, parseTemplate, shippedTemplates, TemplateError } from './template.ts';

const DIRECTORY = fileURLToPath(new URL('../../fixtures/demo-org/directory.yaml', import.meta.url));
const directory = loadDirectoryFile(DIRECTORY);
const people = peopleSource(directory, ['stmarys-health.org']);
const recipient = { email: 'jose.nunez@stmarys-health.org', name: 'Dr. José Núñez', department: 'Internal Medicine' };
const link = (n: number) => `https://portal-check.stmarys-health.org/sim/c/TOKEN${n}`;
const render = (slug: string, seed = 5) =>
  renderMessage({ template: shippedTemplates().find((t) => t.slug === slug)!, recipient, seed, org: 'St Mary’s Health', senderDomain: 'sim.stmarys-health.org', callback: '+1 (617) 555-0199', link, pixelUrl: 'https://portal-check.stmarys-health.org/sim/o/PIXEL', people, now: Date.UTC(2026, 4, 5) });

describe('simulation templates', () => {
  it('ships the six healthcare templates, each teaching a tactic with a training module', () => {
    const t = shippedTemplates();
    assert.deepEqual(t.map((x) => x.slug).sort(), ['fake-doctor-photo', 'internal-records-request', 'medicare-kit-callback', 'mychart-credentials', 'prescription-ready-pdf', 'zocdoc-appointment']);
    const modules = loadModules();
    for (const x of t) assert.ok(modules.get(x.module ?? '') ?? modules.forTactic(x.tactic), `${x.slug} has a module`);
  });

  it('renders each for a recipient: placeholders filled and escaped, signed links, the pixel, no placeholder left', async () => {
    for (const t of shippedTemplates()) {
      const m = await renderMessage({ template: t, recipient: { ...recipient, name: 'Ann <b>O’Neil</b>' }, seed: 9, org: 'St Mary’s Health', senderDomain: 'sim.stmarys-health.org', callback: '+1 (617) 555-0199', link, pixelUrl: 'https://x.example/sim/o/P', people, now: Date.UTC(2026, 4, 5) });
      assert.doesNotMatch(m.html + m.text + m.subject, /\{\{|\}\}/, t.slug);
      assert.doesNotMatch(m.html, /<b>O’Neil/, `${t.slug}: names are escaped in HTML`);
      for (const n of linkNumbers(t).filter((n) => n !== t.attachment?.link)) assert.ok(m.html.includes(link(n)), `${t.slug}: link ${n}`);
      assert.ok(m.html.includes('https://x.example/sim/o/P'), `${t.slug}: pixel`);
      const parsed = await simpleParser(m.raw);
      assert.equal(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]!.address : '', recipient.email);
      assert.equal(parsed.from?.value[0]!.address?.split('@')[1], 'sim.stmarys-health.org');
      assert.equal(parsed.messageId, m.messageId);
      assert.doesNotMatch(m.raw.toString('latin1'), /[^\r]\n/, `${t.slug}: CRLF line ends only`);
    }
  });

  it('fake doctor: a real directory photo under a name no directory person has', async () => {
    const m = await render('fake-doctor-photo', 3);
    const parsed = await simpleParser(m.raw);
    const photo = parsed.attachments.find((a) => a.cid === 'portrait@medshield');
    assert.ok(photo, 'the photo is embedded');
    const owners = people.clinicians.filter((c) => c.photo && c.photo.data.equals(photo.content));
    assert.equal(owners.length, 1, 'it is one of the directory clinicians’ photos');
    assert.notEqual(owners[0]!.email, recipient.email, 'never the recipient’s own photo');
    const fake = m.values.fake_doctor!;
    assert.ok(fake && !directory.findPersonsByName(fake).some((x) => x.kind === 'exact'), `${fake} is nobody in the directory`);
    assert.match(m.from, new RegExp(`^Dr\\. ${fake} <dr\\.referrals@sim\\.stmarys-health\\.org>$`));
    assert.equal((await render('fake-doctor-photo', 3)).values.fake_doctor, fake, 'the same recipient gets the same invented doctor');
  });

  it('never invents a name the directory has', () => {
    const taken = new Set(['Alan Pierce', 'Marian Holloway']);
    for (let seed = 0; seed < 50; seed++) assert.ok(!taken.has(inventedDoctor(seed, { clinicians: [], nameTaken: (n) => taken.has(n) })));
  });

  it('prescription PDF: a real PDF whose link is the recipient’s link number 2', async () => {
    const m = await render('prescription-ready-pdf');
    const parsed = await simpleParser(m.raw);
    const pdf = parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    assert.match(pdf.filename!, /^Rx-Ready-\d{6}\.pdf$/);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf.content), isEvalSupported: false, useSystemFonts: false }).promise;
    const page = await doc.getPage(1);
    const annotations = (await page.getAnnotations()) as { subtype: string; url?: string }[];
    assert.deepEqual(annotations.filter((a) => a.subtype === 'Link').map((a) => a.url), [link(2)]);
    const text = ((await page.getTextContent()).items as { str: string }[]).map((i) => i.str).join(' ');
    assert.match(text, /Prescription ready for pickup/);
    assert.match(text, /\+1 \(617\) 555-0199/);
    await doc.destroy();
  });

  it('refuses unknown placeholders, a message without a link, and a photo placeholder without a photo', () => {
    const base = shippedTemplates().find((t) => t.slug === 'zocdoc-appointment')!;
    assert.throws(() => parseTemplate({ ...base, subject: 'Hi {{frist_name}}' }, 't'), (e: Error) => e instanceof TemplateError && /subject: unknown placeholder \{\{frist_name\}\}/.test(e.message));
    assert.throws(() => parseTemplate({ ...base, html: '<p>No links here</p>' }, 't'), /at least one \{\{link\}\}/);
    assert.throws(() => parseTemplate({ ...base, html: '<p>{{photo}} {{link}}</p>' }, 't'), /photo is none/);
    assert.throws(() => parseTemplate({ ...base, subject: '{{name:2}}' }, 't'), /only \{\{link:N\}\} takes a number/);
    assert.throws(() => parseTemplate({ ...base, slug: 'Bad Slug' }, 't'), /slug/);
  });

  it('keeps header injection out of the subject and sender name', async () => {
    const base = shippedTemplates().find((t) => t.slug === 'zocdoc-appointment')!;
    const m = await renderMessage({ template: { ...base, subject: 'Hello {{name}}' }, recipient: { ...recipient, name: 'X\r\nBcc: everyone@stmarys-health.org' }, seed: 1, org: 'O', senderDomain: 'sim.example.org', callback: '1', link, pixelUrl: null, people, now: 0 });
    const head = m.raw.toString('latin1').split('\r\n\r\n')[0]!;
    assert.doesNotMatch(head, /^Bcc:/im);
  });
});
