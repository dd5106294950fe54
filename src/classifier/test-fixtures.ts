import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMail, type TestMail } from '../../test/helpers/mail.ts';

/**
 * A small labelled mail tree for the classifier's tests (never the real corpora): ordinary
 * hospital correspondence as ham, bulk offers as spam, built from a few sentence pools so
 * that held-out messages share vocabulary with, but do not copy, the training ones.
 */

const HAM_SUBJECTS = [
  'Ward rota for next week',
  'Minutes of the governance meeting',
  'Re: discharge summary for bed 12',
  'Theatre list changes on Thursday',
  'Training session on the new infusion pumps',
  'Re: audit of hand hygiene results',
  'Handover notes from the night shift',
  'Agenda for the nursing forum',
];
const HAM_SENTENCES = [
  'Could you check the rota and let the ward manager know about the swap.',
  'The audit results look better than last quarter, well done everyone.',
  'I have attached the minutes from the committee meeting for your records.',
  'Theatre two will start late because the anaesthetist is covering clinic.',
  'The new infusion pumps arrive on the ward after the training session.',
  'Please remember to complete the handover sheet before the end of the shift.',
  'Dr Patel asked whether the discharge summary went to the GP yesterday.',
  'The nursing forum will discuss staffing and the hand hygiene audit.',
  'Thanks for covering the night shift, I owe you one.',
  'The pharmacy team reviewed the medication chart and changed the dose.',
];
const SPAM_SUBJECTS = [
  'LIMITED OFFER: save 80% today!!!',
  'You have been selected for a cash prize',
  'Cheap meds with FREE shipping',
  'Make money from home, guaranteed!',
  'Exclusive deal just for you',
  'Lose weight fast, no diet needed!!!',
  'Claim your FREE gift card now',
  'Lowest mortgage rates, act now',
];
const SPAM_SENTENCES = [
  'CLICK HERE to claim your exclusive offer before it expires!!!',
  'Order now and get free shipping on every order, 100% satisfaction guaranteed.',
  'Make $5,000 a week from home with our amazing money system.',
  'You have been selected to receive a cash prize, reply now to claim it.',
  'Lowest prices on meds, no prescription needed, discreet delivery.',
  'This limited time offer is only for our valued customers, act now!',
  'Lose weight fast with our miracle pills, results guaranteed!!!',
  'To be removed from our mailing list click here.',
  'Earn money fast, no experience needed, start today!!!',
  'Get your free gift card, just fill in the form and claim it.',
];

// Training mails take four sentences seven apart in the pool; held-out ones take three
// sentences three apart, so no held-out body repeats a training body.
function pick<T>(pool: T[], i: number, heldOut: boolean): T[] {
  const [n, stride] = heldOut ? [3, 3] : [4, 7];
  return Array.from({ length: n }, (_, k) => pool[(i * 3 + k * stride) % pool.length]);
}

export function hamMail(i: number, heldOut = false): TestMail {
  return {
    from: `Nurse ${['Amy', 'Ben', 'Cara', 'Dev', 'Eli'][i % 5]} <staff${i}@stmarys-health.org>`,
    subject: HAM_SUBJECTS[i % HAM_SUBJECTS.length],
    text: `Hi team,\n\n${pick(HAM_SENTENCES, i, heldOut).join(' ')}\n\nThanks,\nWard 7`,
  };
}

export function spamMail(i: number, heldOut = false): TestMail {
  const host = ['best-deals-now.biz', 'cheap-pills.top', 'win-cash.click', 'money-fast.xyz'][i % 4];
  return {
    from: `Special Offers <offers${i}@${host}>`,
    subject: SPAM_SUBJECTS[i % SPAM_SUBJECTS.length],
    html: `<html><body><p><b>${pick(SPAM_SENTENCES, i, heldOut).join('</b></p><p>')}</p><p><a href="http://${host}/claim?id=${1000 + i}">CLICK HERE</a></p></body></html>`,
  };
}

/**
 * Writes `<root>/corpus/ham/*.eml` and `<root>/corpus/spam/*.eml` (training), and returns
 * held-out mails built from later indices. The caller removes `root`.
 */
export function writeSyntheticCorpus(perLabel = 12): { root: string; corpus: string; heldOut: { ham: Buffer[]; spam: Buffer[] } } {
  const root = mkdtempSync(join(tmpdir(), 'medshield-classifier-'));
  const corpus = join(root, 'corpus');
  for (const label of ['ham', 'spam'] as const) {
    const dir = join(corpus, label);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < perLabel; i++) {
      const mail = label === 'ham' ? hamMail(i) : spamMail(i);
      writeFileSync(join(dir, `${String(i).padStart(3, '0')}.eml`), buildMail(mail));
    }
  }
  const heldOut = {
    ham: [0, 1, 2, 3].map((k) => buildMail(hamMail(k, true))),
    spam: [0, 1, 2, 3].map((k) => buildMail(spamMail(k, true))),
  };
  return { root, corpus, heldOut };
}
