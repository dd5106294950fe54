import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { escapeHtml } from '../simulations/html.ts';

/** Assignment notices and reminders: plain, short, with the learner's personal link. */
export function trainingMail(o: {
  from: string;
  to: string;
  name: string;
  org: string;
  kind: 'assigned' | 'reminder' | 'overdue';
  modules: { title: string; minutes: number; dueAt: number }[];
  url: string;
  now: number;
}): Promise<Buffer> {
  const due = (t: number) => new Date(t).toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const subject =
    o.kind === 'assigned' ? `Security training assigned: ${o.modules[0]!.title}` : o.kind === 'overdue' ? `Overdue: security training (${o.modules.length} module${o.modules.length === 1 ? '' : 's'})` : `Reminder: security training due ${due(o.modules[0]!.dueAt)}`;
  const intro =
    o.kind === 'assigned'
      ? 'The security team has assigned you a short training module.'
      : o.kind === 'overdue'
        ? 'Your security training is overdue. It only takes a few minutes.'
        : 'A reminder about your security training.';
  const list = o.modules.map((m) => `- ${m.title} (about ${m.minutes} min), due ${due(m.dueAt)}`).join('\n');
  const text = `Hello ${o.name || o.to},\n\n${intro}\n\n${list}\n\nStart here (this link is personal: please do not forward it):\n${o.url}\n\n${o.org ? `${o.org} security team` : 'Security team'}\n`;
  const html = `<p>Hello ${escapeHtml(o.name || o.to)},</p><p>${escapeHtml(intro)}</p><ul>${o.modules.map((m) => `<li>${escapeHtml(m.title)} (about ${m.minutes} min), due ${escapeHtml(due(m.dueAt))}</li>`).join('')}</ul><p><a href="${escapeHtml(o.url)}">Start the training</a></p><p style="color:#666;font-size:12px">This link is personal: please do not forward it.</p><p>${escapeHtml(o.org ? `${o.org} security team` : 'Security team')}</p>`;
  return new MailComposer({ from: o.from, to: o.to, subject, text, html, date: new Date(o.now), headers: { 'Auto-Submitted': 'auto-generated', 'X-Medshield-Training': o.kind } })
    .compile()
    .build();
}
