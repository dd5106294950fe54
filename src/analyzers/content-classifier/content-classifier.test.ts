import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import { saveModel } from '../../classifier/model.ts';
import { writeSyntheticCorpus } from '../../classifier/test-fixtures.ts';
import { trainFromDirs } from '../../classifier/train.ts';
import { DEFAULT_CALIBRATION_TARGETS } from '../../classifier/calibration.ts';
import { bandsFor, contentClassifier, DEFAULT_MODEL_PATH, describeFeature, FALLBACK_THRESHOLDS, modelFor } from './index.ts';

let fixture: ReturnType<typeof writeSyntheticCorpus>;
let modelPath: string;

before(async () => {
  fixture = writeSyntheticCorpus(12);
  const { model } = await trainFromDirs([fixture.corpus], { minDocFrequency: 2, workers: 1 });
  modelPath = join(fixture.root, 'model.json');
  saveModel(model, modelPath);
});
after(() => rmSync(fixture.root, { recursive: true, force: true }));

const spam = () => fixture.heldOut.spam[0];
const ham = () => fixture.heldOut.ham[0];
// Bands placed around the tiny test model's scores so each signal can be reached on purpose.
const bands = (thresholds: Record<string, number>) => ({ model: modelPath, thresholds });

describe('content-classifier with a model trained in the test', () => {
  it('CLASSIFIER_SPAM_HIGH: spam above the top band, with p and the spam-side features in evidence', async () => {
    const s = await analyze(contentClassifier, spam(), { config: bands({ high: 0.6, medium: 0.55, low: 0.52, slight: 0.51, ham: 0.01 }) });
    assert.deepEqual(ids(s), ['CLASSIFIER_SPAM_HIGH']);
    assert.match(s[0].evidence, /^p\(spam\)=0\.\d{4} \(band ≥ 0\.6000\); strongest: /);
    assert.match(s[0].evidence, /\+\d/);
    assert.doesNotMatch(s[0].evidence, / -\d/);
    assert.equal(s[0].score, 8);
  });

  it('CLASSIFIER_SPAM_MEDIUM, _LOW and _SLIGHT: the band the probability falls in, only one', async () => {
    const medium = await analyze(contentClassifier, spam(), { config: bands({ high: 1, medium: 0.6, low: 0.55, slight: 0.52, ham: 0.01 }) });
    assert.deepEqual(ids(medium), ['CLASSIFIER_SPAM_MEDIUM']);
    const low = await analyze(contentClassifier, spam(), { config: bands({ high: 1, medium: 1, low: 0.6, slight: 0.52, ham: 0.01 }) });
    assert.deepEqual(ids(low), ['CLASSIFIER_SPAM_LOW']);
    const slight = await analyze(contentClassifier, spam(), { config: bands({ high: 1, medium: 1, low: 1, slight: 0.6, ham: 0.01 }) });
    assert.deepEqual(ids(slight), ['CLASSIFIER_SPAM_SLIGHT']);
  });

  it('CLASSIFIER_HAM: ordinary ward mail below the ham band, with the ham-side features in evidence', async () => {
    const s = await analyze(contentClassifier, ham(), { config: bands({ high: 0.98, medium: 0.97, low: 0.85, ham: 0.4 }) });
    assert.deepEqual(ids(s), ['CLASSIFIER_HAM']);
    assert.ok(s[0].score < 0);
    assert.match(s[0].evidence, / -\d/);
  });

  it('says nothing between the ham band and the low band', async () => {
    for (const mail of [ham(), spam()]) {
      assert.deepEqual(await analyze(contentClassifier, mail, { config: bands({ high: 1, medium: 1, low: 1, slight: 1, ham: 0 }) }), []);
    }
  });

  it('ham mail never reaches a spam band, spam mail never the ham band', async () => {
    for (const mail of fixture.heldOut.ham) {
      const s = await analyze(contentClassifier, mail, { config: { model: modelPath } });
      assert.ok(!ids(s).some((id) => id.startsWith('CLASSIFIER_SPAM')), ids(s).join());
    }
    for (const mail of fixture.heldOut.spam) {
      const s = await analyze(contentClassifier, mail, { config: { model: modelPath } });
      assert.ok(!ids(s).includes('CLASSIFIER_HAM'));
    }
  });
});

describe('content-classifier model loading', () => {
  it('loads each model once per process', () => {
    assert.equal(modelFor(modelPath), modelFor(modelPath));
  });

  it('is silent when the default model is absent', () => {
    const absentDefault = join(fixture.root, 'no-such-default.json');
    assert.equal(modelFor(absentDefault, absentDefault), null);
  });

  it('fails loudly when a configured model is missing', async () => {
    const missing = join(fixture.root, 'missing-model.json');
    await assert.rejects(analyze(contentClassifier, spam(), { config: { model: missing } }), /missing-model\.json does not exist/);
  });

  it('uses the bands stored in the model, and the config over them', async () => {
    const calibrated = join(fixture.root, 'calibrated.json');
    const model = { ...modelFor(modelPath)! };
    model.calibration = {
      method: 'k-fold-held-out', folds: 5, heldOutHam: 500, heldOutSpam: 500, targets: DEFAULT_CALIBRATION_TARGETS,
      thresholds: { high: 0.6, medium: 0.55, low: 0.52, slight: 0.51, ham: 0.01 },
    };
    saveModel(model, calibrated);
    const s = await analyze(contentClassifier, spam(), { config: { model: calibrated } });
    assert.deepEqual(ids(s), ['CLASSIFIER_SPAM_HIGH']);
    const overridden = await analyze(contentClassifier, spam(), { config: { model: calibrated, thresholds: { high: 1, medium: 1, low: 1, slight: 1, ham: 0 } } });
    assert.deepEqual(overridden, []);
    // Without a calibration the fallback bands apply.
    assert.equal(bandsFor({ ...model, calibration: undefined }), FALLBACK_THRESHOLDS);
  });

  it('rejects thresholds out of order', () => {
    assert.throws(() => contentClassifier.config.parse({ thresholds: { high: 0.5, medium: 0.9 } }), /high ≥ medium/);
  });

  it('describes features in words', () => {
    assert.equal(describeFeature('s:free'), 'subject word "free"');
    assert.equal(describeFeature('u:dom:example.biz'), 'link to "example.biz"');
    assert.equal(describeFeature('m:html-only'), 'layout "html-only"');
  });
});

/**
 * The shipped model (SpamAssassin 2002 and the seed corpus) with its calibrated bands, against
 * mail a hospital receives today. Legitimate mail must stay out of the bands that count (MEDIUM and HIGH); LOW is a
 * weak cue that bulk notices may reach.
 */
describe('content-classifier with the shipped default model', { skip: !existsSync(DEFAULT_MODEL_PATH) && 'models/default.json not built' }, () => {
  const html = (body: string) => `<html><body style="font-family:Arial">${body}</body></html>`;
  const legitimate: Record<string, TestMail> = {
    'hospital staff newsletter': {
      from: "St Mary's Health Communications <news@stmarys-health.org>",
      subject: 'Staff Bulletin: new parking arrangements and flu clinic dates',
      html: html(
        `<img src="https://cdn.stmarys-health.org/logo.png" alt="St Mary's"><h1>Staff Bulletin</h1><p>Dear colleagues,</p>` +
          `<p>From Monday the west car park will close for resurfacing. Please use the multi-storey on Station Road; your staff pass will open the barrier.</p>` +
          `<p>The seasonal flu vaccination clinic runs in the Outpatients hall every weekday from 8am. No appointment is needed. Bring your staff ID.</p>` +
          `<p><a href="https://intranet.stmarys-health.org/news/parking">Read more on the intranet</a></p><p>Thank you for everything you do for our patients.</p>` +
          `<p style="font-size:11px">You are receiving this because you are a member of staff. <a href="https://intranet.stmarys-health.org/preferences">Manage preferences</a></p>`,
      ),
    },
    'appointment reminder': {
      from: "St Mary's Appointments <noreply@stmarys-health.org>",
      subject: 'Appointment reminder: Cardiology clinic on 12 March',
      html: html(
        `<p>Dear Mr Jones,</p><p>This is a reminder of your appointment at the Cardiology clinic, Level 2, St Mary's Hospital, on 12 March at 10:30.</p>` +
          `<p>Please arrive 15 minutes early and bring a list of your current medicines. If you need to cancel or rearrange, please call 020 7946 0000 or ` +
          `<a href="https://patients.stmarys-health.org/appointments">manage your appointment online</a>.</p><p>Kind regards,<br>Outpatient Booking Team</p>`,
      ),
    },
    'patient writing from gmail': {
      from: 'Maria Lopez <maria.lopez1984@gmail.com>',
      subject: 'Question about my test results',
      text: `Hello Dr Patel,\n\nI had my blood test last week and I got a letter saying the results are ready. Could you tell me if I need to book another appointment or if I can just call the surgery? I am still taking the tablets you prescribed.\n\nThank you very much,\nMaria Lopez\nSent from my iPhone`,
    },
    'vendor invoice': {
      from: 'MedSupply Accounts <accounts@medsupply-ltd.co.uk>',
      subject: 'Invoice INV-20418 for purchase order PO-7731',
      text: `Dear Accounts Payable,\n\nPlease find attached invoice INV-20418 for the delivery of 40 boxes of nitrile gloves and 12 sharps containers under purchase order PO-7731. Payment terms are 30 days from the invoice date.\n\nIf you have any questions, please reply to this email or call our accounts team on 0161 496 0123.\n\nBest regards,\nJane Smith\nCredit Control, MedSupply Ltd`,
      attachments: [{ filename: 'INV-20418.pdf', contentType: 'application/pdf', content: '%PDF-1.4\n1 0 obj\n<<>>\nendobj\n' }],
    },
    'short supplier invoice': {
      from: 'Accounts <accounts@cleanco-services.co.uk>',
      subject: 'Invoice 20418',
      text: `Hello,\n\nPlease see attached our invoice for cleaning services in October. Payment is due within 30 days.\n\nThank you for your business.\n\nCleanCo Services`,
      attachments: [{ filename: 'Invoice-20418.pdf', contentType: 'application/pdf', content: '%PDF-1.4\n' }],
    },
    'IT maintenance notice': {
      from: 'IT Service Desk <servicedesk@stmarys-health.org>',
      subject: 'Planned maintenance: email unavailable Sunday 02:00-04:00',
      html: html(
        `<p>Dear colleague,</p><p>To apply security updates, email and the staff portal will be unavailable on Sunday between 02:00 and 04:00. You do not need to do anything.</p>` +
          `<p>We will never ask for your password by email. If you receive a message asking you to verify your account, report it using the Report Phishing button.</p><p>IT Service Desk, ext. 4444</p>`,
      ),
    },
    'prescription ready': {
      from: 'Boots Pharmacy <noreply@boots.com>',
      subject: 'Your prescription is ready to collect',
      html: html(
        `<p>Hello Margaret,</p><p>Good news: your prescription is ready to collect from Boots, High Street, Kingston. Please bring this email or your collection code 4821 with you. We will keep it for 14 days.</p>` +
          `<p><a href="https://www.boots.com/online/pharmacy">Manage your prescriptions</a></p><p>Boots UK Limited, registered in England.</p>`,
      ),
    },
    'service quotation': {
      from: 'Mark Chen <mark.chen@philips.com>',
      subject: 'Quotation for ultrasound service contract',
      text: `Dear Ms Ahmed,\n\nThank you for your enquiry. As discussed, please find our quotation for the annual service contract covering your four EPIQ ultrasound systems: £18,400 per year including parts, labour and two preventive maintenance visits.\n\nThe offer is valid for 60 days. Please let me know if you have any questions or would like to arrange a call.\n\nBest regards,\nMark Chen\nService Sales Manager, Philips Healthcare`,
    },
    'medical journal alert': {
      from: 'BMJ <alerts@bmj.com>',
      subject: 'BMJ This Week: antimicrobial resistance, GP workforce and more',
      html: html(
        `<img src="https://www.bmj.com/logo.png"><h2>This week in The BMJ</h2><p><a href="https://www.bmj.com/content/1">Antimicrobial resistance: the next steps for national action plans</a></p>` +
          `<p><a href="https://www.bmj.com/content/2">General practice workforce: where have all the partners gone?</a></p>` +
          `<p>You are receiving this email because you signed up for BMJ alerts. <a href="https://www.bmj.com/alerts">Update your preferences</a> or <a href="https://www.bmj.com/unsubscribe">unsubscribe</a>.</p>`,
      ),
    },
  };

  for (const [name, mail] of Object.entries(legitimate)) {
    it(`never puts legitimate mail in the band that quarantines by itself: ${name}`, async () => {
      const s = await analyze(contentClassifier, mail);
      assert.ok(!ids(s).includes('CLASSIFIER_SPAM_HIGH'), s.map((x) => `${x.id} ${x.evidence}`).join('\n'));
    });
  }

  it('a colleague replying about the rota is rated as ham', async () => {
    const s = await analyze(contentClassifier, {
      from: 'Dr Sarah Okafor <s.okafor@stmarys-health.org>',
      subject: 'RE: Ward 7 rota for next week',
      text: `Hi Tom,\n\nThanks, that works for me. I can cover the Tuesday night shift if Priya takes Thursday. Can you update the rota and let the ward manager know? I'll bring the handover notes.\n\nSarah\n\n> Could someone swap Tuesday night with me? I have a training day and I've already asked Jim.`,
    });
    assert.deepEqual(ids(s), ['CLASSIFIER_HAM']);
  });

  it('rates classic bulk pharmacy spam in the top band', async () => {
    const s = await analyze(contentClassifier, {
      from: 'Best Deals <deals@cheap-meds-online.biz>',
      subject: 'Save 80% on Viagra and Cialis - FREE shipping!!!',
      html:
        '<p><b>LIMITED TIME OFFER!!!</b></p><p>Buy cheap Viagra, Cialis and more with no prescription. Save up to 80% - free worldwide shipping, 100% satisfaction guaranteed!</p>' +
        '<p><a href="http://cheap-meds-online.biz/?id=9912">CLICK HERE TO ORDER NOW</a></p><p>To be removed from our mailing list, click here.</p>',
    });
    assert.deepEqual(ids(s), ['CLASSIFIER_SPAM_HIGH']);
  });
});
