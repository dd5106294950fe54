import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { Signal } from '../analyzer.ts';
import { contentIntent } from './index.ts';

const total = (signals: Signal[]) => signals.reduce((s, x) => s + x.score, 0);
const has = (signals: Signal[], id: string) => signals.some((s) => s.id === id);

// ---------------------------------------------------------------- lures

test('credential phish with a suspension threat: both intents and their combination', async () => {
  const s = await analyze(contentIntent, {
    from: 'IT Service Desk <helpdesk@mail-stmarys-support.com>',
    subject: 'Action required: mailbox verification',
    text:
      'Dear user,\n\nOur records show your mailbox has not been validated. Please verify your account within 24 hours ' +
      'by clicking the link below. Failure to verify your account will result in permanent suspension of your email.\n\nIT Service Desk',
  });
  assert.deepEqual(ids(s), ['CREDENTIAL_REQUEST', 'CREDENTIAL_THREAT_COMBO', 'URGENCY_THREAT']);
  assert.ok(total(s) >= 5, `a classic credential lure should reach the tagging threshold on content alone (${total(s)})`);
  const cred = s.find((x) => x.id === 'CREDENTIAL_REQUEST');
  assert.match(cred?.evidence ?? '', /"verify your account" \(cred\.en\.verify-account\)/);
});

test('password-expiry lure that offers to keep the same password', async () => {
  const s = await analyze(contentIntent, {
    subject: 'Final warning: important notice',
    text: 'Your account password expires in 48 hours. Click the link below to continue using the same password.',
  });
  assert.ok(has(s, 'CREDENTIAL_REQUEST'));
  assert.ok(has(s, 'CREDENTIAL_THREAT_COMBO'));
});

test('callback phishing: fake Geek Squad renewal with a number to dispute the charge', async () => {
  const s = await analyze(contentIntent, {
    subject: 'Your order for $348.80 is now being processed',
    html:
      '<p>Dear user, your Geek Squad Best Buy service membership was successfully renewed. You will be charged $348.80, ' +
      'taken from your saved bank account.</p><p>If you did not authorize this charge, call our billing department at ' +
      '<b>(844) 555-0136</b> within 24 hours to cancel.</p>',
  });
  assert.ok(has(s, 'CALLBACK_LURE'));
  assert.ok(has(s, 'CALLBACK_THREAT_COMBO'));
  const lure = s.find((x) => x.id === 'CALLBACK_LURE');
  assert.match(lure?.evidence ?? '', /\+18445550136/);
  assert.ok(total(s) >= 5);
});

test('callback lures in German, Portuguese, Spanish and French', async () => {
  const mails = [
    'Ihr Abonnement wurde automatisch verlängert. Falls Sie diese Zahlung nicht autorisiert haben, rufen Sie uns unter +49 30 1234567 an.',
    'Alerta: transação em análise no valor de R$1.599,99. Caso não reconheça esta compra, ligue para 0800-400-8033.',
    'Si no reconoce este cargo, llame al +34 912 345 678 inmediatamente.',
    "Si vous n'avez pas autorisé ce paiement, appelez le +33 1 23 45 67 89.",
  ];
  for (const text of mails) {
    const s = await analyze(contentIntent, { subject: 'Aviso', text });
    assert.ok(has(s, 'CALLBACK_LURE'), text);
  }
});

test('"call this number to confirm your appointment" (MedStealer) is only a weak callback request', async () => {
  const s = await analyze(contentIntent, {
    subject: 'Appointment confirmation needed',
    text: 'Please call this number to confirm your appointment: +1 (888) 555-0117.',
  });
  assert.deepEqual(ids(s), ['CALLBACK_REQUEST']);
  assert.ok(total(s) < 1);
});

test('PHI solicitation under threat', async () => {
  const s = await analyze(contentIntent, {
    from: 'Medicare Benefits <benefits@medicare-renewals.net>',
    subject: 'Your Medicare card will be suspended',
    text:
      'Dear beneficiary, your Medicare card will be suspended. Please reply with your Medicare number and date of birth ' +
      'within 24 hours to keep your coverage.',
  });
  assert.ok(has(s, 'PHI_SOLICITATION'));
  assert.ok(has(s, 'PHI_THREAT_COMBO'));
  assert.match(s.find((x) => x.id === 'PHI_SOLICITATION')?.evidence ?? '', /medicare number/);
});

test('gift-card scam from an impersonated manager', async () => {
  const s = await analyze(contentIntent, {
    from: 'Dr. Patel <dr.patel.office@gmail.com>',
    subject: 'Quick favor',
    text:
      'Are you available? I need you to purchase 5 Apple gift cards for the nursing staff, it is a surprise. ' +
      'Scratch off the back and send me pictures of the cards urgently. I am in a meeting.',
  });
  assert.ok(has(s, 'GIFT_CARD_REQUEST'));
  assert.equal(s.find((x) => x.id === 'GIFT_CARD_REQUEST')?.score, 3.5);
});

test('prize lure that wants a fee and a login to release the reward', async () => {
  const s = await analyze(contentIntent, {
    subject: 'Congratulations!',
    text: 'Congratulations, you have been selected to receive a $500 gift card. Claim your reward now: verify your account and pay the small shipping fee.',
  });
  assert.ok(has(s, 'PRIZE_LURE'));
  assert.ok(has(s, 'PRIZE_DATA_COMBO'));
});

test('business email compromise: changed bank details and an urgent wire', async () => {
  const s = await analyze(contentIntent, {
    subject: 'Updated remittance information',
    text: 'Please note our bank details have changed. Kindly process the wire transfer today to the new account to avoid late payment penalties, this is our final notice.',
  });
  assert.ok(has(s, 'PAYMENT_LURE'));
  assert.ok(has(s, 'PAYMENT_THREAT_COMBO'));
});

test('lures in German, Portuguese, Spanish and French', async () => {
  const cases: [string, string[]][] = [
    ['Bitte bestätigen Sie Ihr Konto innerhalb von 24 Stunden, sonst wird Ihr Konto gesperrt.', ['CREDENTIAL_REQUEST', 'URGENCY_THREAT']],
    ['Sua conta foi bloqueada. Atualize seu cadastro em até 24 horas para evitar o cancelamento.', ['CREDENTIAL_REQUEST', 'URGENCY_THREAT']],
    ['Su cuenta ha sido suspendida. Verifique su cuenta en las próximas 24 horas.', ['CREDENTIAL_REQUEST', 'URGENCY_THREAT']],
    ['Votre compte a été suspendu. Veuillez vérifier votre compte sous 24 heures.', ['CREDENTIAL_REQUEST', 'URGENCY_THREAT']],
    ['Parabéns, você foi sorteado! Resgate seu prêmio agora.', ['PRIZE_LURE']],
  ];
  for (const [text, expected] of cases) {
    const s = await analyze(contentIntent, { subject: 'Aviso', text });
    for (const id of expected) assert.ok(has(s, id), `${id} expected for: ${text}`);
  }
});

test('look-alike letters and zero-width characters do not hide a lure', async () => {
  const s = await analyze(contentIntent, {
    subject: 'Y\u03bfur \u0430ccount',
    // Cyrillic а/е/о and zero-width spaces inside the words.
    text: 'Pl\u0435ase v\u0435r\u200bify y\u043eur \u0430cc\u200bount. Y\u043eur acc\u043eunt will be susp\u0435nded.',
  });
  assert.ok(has(s, 'CREDENTIAL_REQUEST'));
  assert.ok(has(s, 'URGENCY_THREAT'));
});

test('text read from images counts, unless image text is switched off', async () => {
  const mail = { subject: 'Invoice', html: '<img src="cid:inv">', text: '' };
  const ocr = 'NORTON 360 Your subscription has been renewed. If you did not authorize this charge, call +1 (888) 555-0162.';
  assert.ok(has(await analyze(contentIntent, mail, { ctx: { imageText: ocr } }), 'CALLBACK_LURE'));
  assert.deepEqual(await analyze(contentIntent, mail, { ctx: { imageText: ocr }, config: { includeImageText: false } }), []);
});

test('OFFER_IN_IMAGE: the pitch is in the picture while the text is filler', async () => {
  const filler = 'am i much changed since you first knew me? she asked. they were interesting and i met a lot of people by the riverside.';
  const mail = { subject: 'Enjoy it as i do', html: `<a href="http://rx-example.org/"><img src="cid:a"></a><p>${filler}</p>`, text: filler };
  const ocr = 'Lowest Price Guarantee. Viagra 100mg Only $2.00 per pill. Tramadol 50 mg Only $0.99 per pill';
  const s = await analyze(contentIntent, mail, { ctx: { imageText: ocr } });
  assert.ok(has(s, 'SPAM_OFFER'));
  assert.match(s.find((x) => x.id === 'OFFER_IN_IMAGE')?.evidence ?? '', /^in the picture: .*per pill/);
  // The same offer in the text is SPAM_OFFER alone; a harmless picture adds nothing.
  assert.ok(!has(await analyze(contentIntent, { ...mail, text: `${filler} ${ocr}` }), 'OFFER_IN_IMAGE'));
  assert.ok(!has(await analyze(contentIntent, { ...mail, text: `${filler} ${ocr}` }, { ctx: { imageText: 'Spring Gala 2024' } }), 'OFFER_IN_IMAGE'));
  assert.deepEqual(await analyze(contentIntent, mail, { ctx: { imageText: ocr }, config: { includeImageText: false } }), []);
});

test('SPAM_OFFER: each further distinct pitch adds 30% of the weight, up to 60%', async () => {
  const one = await analyze(contentIntent, { subject: 'Hi', text: 'Buy Cialis online.' });
  const three = await analyze(contentIntent, {
    subject: 'Hi',
    text: 'Our offshore pharmacy is open. Buy Cialis online. No prescription needed! Penis enlargement pills too. Free spins on your first deposit.',
  });
  const weight = (s: Signal[]) => s.find((x) => x.id === 'SPAM_OFFER')?.score;
  assert.equal(weight(one), 5);
  assert.equal(weight(three), 8);
});

test('weak phrases earn the configured share of the weight', async () => {
  const mail = { subject: 'Reminder', text: 'Your password expires in 3 days.' };
  assert.equal((await analyze(contentIntent, mail)).find((x) => x.id === 'CREDENTIAL_REQUEST')?.score, 1);
  assert.equal((await analyze(contentIntent, mail, { config: { weakFactor: 0.2 } })).find((x) => x.id === 'CREDENTIAL_REQUEST')?.score, 0.5);
});

// ---------------------------------------------------------------- legitimate mail

test('hospital appointment reminder with a number to reschedule', async () => {
  const s = await analyze(contentIntent, {
    from: "St. Mary's Scheduling <scheduling@stmarys-health.org>",
    subject: 'Appointment reminder',
    text:
      'Hello Maria,\n\nYour appointment with Dr. Lee is on Monday, March 16 at 9:30 AM at the Cardiology Clinic, 2nd floor. ' +
      'Please bring your insurance card and a photo ID, and arrive 15 minutes early. ' +
      "To reschedule, call (312) 555-0142. If you cannot keep this appointment, please let us know within 24 hours.\n\nSt. Mary's Health",
  });
  assert.ok(!has(s, 'CALLBACK_LURE'));
  assert.ok(!has(s, 'PHI_SOLICITATION'));
  assert.ok(total(s) < 2, `reminder scored ${total(s)}: ${JSON.stringify(s)}`);
});

test('IT security newsletter that quotes lure phrases as warnings', async () => {
  const s = await analyze(contentIntent, {
    from: 'IT Security <security@stmarys-health.org>',
    subject: 'Security awareness: spotting phishing',
    text:
      'Phishing emails often claim that your account will be suspended unless you verify your account right away. ' +
      'IT will never ask you to confirm your password by email. Never share your SSN or date of birth with anyone who emails you. ' +
      'Scammers may ask you to buy gift cards for a manager. If something feels off, report it to the service desk on extension 4400.',
  });
  assert.deepEqual(s, []);
});

test('patient writing from gmail with her own date of birth', async () => {
  const s = await analyze(contentIntent, {
    from: 'Maria Gomez <maria.gomez1961@gmail.com>',
    to: 'Scheduling <scheduling@stmarys-health.org>',
    subject: 'Need to reschedule',
    text:
      'Hi, I need to reschedule my appointment with Dr. Lee next Monday. My date of birth is 03/04/1961 and my member ID is XZP4411, ' +
      'in case you need them to find my chart. You can call me at (773) 555-0188. Thanks, Maria',
  });
  assert.ok(!has(s, 'PHI_SOLICITATION'));
  assert.ok(total(s) < 1);
});

test('real vendor invoice with a billing phone number', async () => {
  const s = await analyze(contentIntent, {
    from: 'Medline Billing <ar@medline-invoices.com>',
    subject: 'Invoice 448120 for March',
    text:
      'Please find attached invoice 448120 for the March supply order. Payment terms: net 30. ' +
      'Invoice number: 448120. Total amount: $12,480.00. Questions about this invoice? Call our billing department at 1-800-555-0175.',
  });
  assert.ok(!has(s, 'CALLBACK_LURE'));
  assert.ok(!s.some((x) => x.id.endsWith('_COMBO')));
  assert.ok(total(s) < 2, `invoice scored ${total(s)}: ${JSON.stringify(s)}`);
});

test('staff newsletter with deadlines and a charity raffle stays quiet', async () => {
  const s = await analyze(contentIntent, {
    from: 'Communications <news@stmarys-health.org>',
    subject: 'This week at St. Mary’s',
    html:
      '<h1>This week</h1><p>Flu vaccination clinics run all week; book within 48 hours to get your preferred slot.</p>' +
      '<p>The final reminder for the annual staff survey: it takes ten minutes and closes Friday.</p>' +
      '<p>Congratulations to the 4 West team, who won the patient-experience award.</p>' +
      '<p>Questions? Contact the communications team at (312) 555-0100.</p>',
  });
  assert.ok(!s.some((x) => x.id.endsWith('_COMBO')));
  assert.ok(total(s) < 2, `newsletter scored ${total(s)}: ${JSON.stringify(s)}`);
});

test('account sign-up confirmation from a real service is weak at most', async () => {
  const s = await analyze(contentIntent, {
    from: 'Zoom <no-reply@zoom.us>',
    subject: 'Please activate your Zoom account',
    text: 'Welcome to Zoom! To get started, please confirm your email address by clicking the button below.',
  });
  assert.ok(total(s) <= 1);
});

// ---------------------------------------------------------------- who is asking

test('PHI_REQUEST_FROM_STRANGER: a request for patient data from a sender the organisation has no history with', async () => {
  const claim = {
    from: 'Claims Unit <claims@northbridge-healthplan.example>',
    subject: 'Claim 44712: information needed',
    text: "Good morning,\n\nTo process claim 44712 please send us the patient's date of birth and member ID.\n\nRegards, claims unit",
  };
  const stranger = { messagesFromAddress: 0, messagesFromDomain: 0, firstSeen: null, solicited: false, domainSolicited: false };
  const s = await analyze(contentIntent, claim, { ctx: { senderProfile: stranger } });
  assert.ok(has(s, 'PHI_SOLICITATION') && has(s, 'PHI_REQUEST_FROM_STRANGER'), ids(s).join());
  assert.match(s.find((x) => x.id === 'PHI_REQUEST_FROM_STRANGER')!.evidence, /claims@northbridge-healthplan\.example/);

  // A correspondent the organisation has written to, one it has heard from, or no store at all: no extra weight.
  for (const profile of [{ ...stranger, solicited: true }, { ...stranger, domainSolicited: true }, { ...stranger, messagesFromAddress: 4 }, null]) {
    const known = await analyze(contentIntent, claim, { ctx: { senderProfile: profile } });
    assert.ok(has(known, 'PHI_SOLICITATION') && !has(known, 'PHI_REQUEST_FROM_STRANGER'), `${JSON.stringify(profile)}: ${ids(known).join()}`);
  }
  // Data offered rather than asked for is not a request, whoever sends it.
  const offered = await analyze(contentIntent, { from: 'Maria Lopez <maria.lopez1984@gmail.com>', subject: 'Reschedule', text: 'Hi, my date of birth is 03/04/1984, can I move my appointment to Friday?' }, { ctx: { senderProfile: stranger } });
  assert.ok(!has(offered, 'PHI_REQUEST_FROM_STRANGER'), ids(offered).join());
});
