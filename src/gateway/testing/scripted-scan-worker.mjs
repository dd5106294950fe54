// A scan worker for gateway tests, so they run in milliseconds and decide verdicts
// themselves: the Subject says what to return. "[tag]", "[hold]", "[quarantine]", "[reject]"
// set the action; "HANG" never answers (the pool's time-out must fail it closed); "CRASH"
// kills the worker; "SLOW=<ms>" answers after that delay. Anything else is delivered.
import { parentPort } from 'node:worker_threads';

function header(text, name) {
  const head = text.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m ? m[1].trim() : '';
}

const SIGNALS = {
  tag: [{ id: 'PHI_SOLICITATION', score: 3.5, evidence: 'asks for SSN', analyzer: 'content-intent' }, { id: 'REPLYTO_FREEMAIL', score: 3, evidence: 'reply-to gmail', analyzer: 'sender-anomalies' }],
  hold: [{ id: 'PHI_SOLICITATION', score: 6, evidence: 'asks for SSN', analyzer: 'content-intent' }],
  quarantine: [{ id: 'CALLBACK_LURE', score: 12, evidence: 'call this number', analyzer: 'content-intent' }],
  reject: [{ id: 'ATTACHMENT_EXECUTABLE', score: 30, evidence: 'invoice.exe', analyzer: 'attachments' }],
};

parentPort.on('message', (m) => {
  const text = Buffer.from(m.raw).toString('latin1');
  const subject = header(text, 'Subject');
  if (subject.includes('HANG')) for (;;);
  if (subject.includes('CRASH')) throw new Error('simulated scanner crash');
  const action = /\[(tag|hold|quarantine|reject)\]/.exec(subject)?.[1] ?? 'deliver';
  const signals = SIGNALS[action] ?? [];
  const from = /<([^>]+)>/.exec(header(text, 'From'))?.[1] ?? header(text, 'From');
  const verdict = {
    action,
    score: signals.reduce((s, x) => s + x.score, 0),
    signals,
    rules: [],
    unscannable: false,
    auth: { source: 'local', spf: null, dkim: [], dmarc: null, arc: null, header: 'medshield; spf=none smtp.mailfrom=test' },
    summary: { from: from.toLowerCase(), fromName: '', subject, messageId: header(text, 'Message-ID') },
    ms: 1,
    timings: {},
    // Lets tests check what the gateway passed in.
    profileSeen: m.options?.senderProfile ?? null,
    envelopeSeen: m.envelope,
  };
  const slow = /SLOW=(\d+)/.exec(subject);
  const answer = () => parentPort.postMessage({ type: 'verdict', id: m.id, verdict });
  if (slow) setTimeout(answer, Number(slow[1]));
  else answer();
});
parentPort.postMessage({ type: 'ready' });
