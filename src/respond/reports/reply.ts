import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Signal } from '../../analyzers/analyzer.ts';
import { plainWords } from '../../gateway/tagging/plain-words.ts';

/**
 * The reply a reporter gets: thanks, and what Medshield now thinks of the message, in plain
 * words. People report more when they hear back, and the answer teaches what to look for.
 */

export type ReplyVerdict =
  | { kind: 'phishing'; score: number; signals: Signal[]; campaign: { id: number; reporters: number; contained: boolean } | null }
  | { kind: 'suspicious'; score: number; signals: Signal[]; campaign: { id: number; reporters: number; contained: boolean } | null }
  | { kind: 'clean'; score: number }
  | { kind: 'simulation'; simulation: string }
  | { kind: 'unusable'; problem: string };

export interface ReplyInput {
  from: string;
  to: string;
  /** The report's own Message-ID, for threading. */
  inReplyTo?: string;
  verdict: ReplyVerdict;
  organisation: string;
  now?: Date;
}

function reasons(signals: Signal[]): string[] {
  const out: string[] = [];
  for (const s of [...signals].filter((x) => x.score > 0).sort((a, b) => b.score - a.score)) {
    const w = plainWords(s.id);
    if (!out.includes(w)) out.push(w);
    if (out.length === 5) break;
  }
  return out;
}

export function replyText(i: ReplyInput): { subject: string; text: string } {
  const v = i.verdict;
  const thanks = 'Thank you for reporting this message.';
  const sign = `\n\n— Medshield${i.organisation ? `, for the ${i.organisation} security team` : ''}\n`;
  switch (v.kind) {
    case 'phishing':
    case 'suspicious': {
      const why = reasons(v.signals);
      const lines = [
        thanks,
        '',
        v.kind === 'phishing'
          ? `We checked it again: it is phishing (score ${v.score}).`
          : `We checked it again: it is suspicious (score ${v.score}), and the security team will look at it.`,
        ...(why.length ? ['', 'What gives it away:', ...why.map((w) => `  - ${w}`)] : []),
      ];
      if (v.campaign) {
        lines.push('', `It is part of a campaign (#${v.campaign.id}) that ${v.campaign.reporters} ${v.campaign.reporters === 1 ? 'person has' : 'people have'} reported so far.`);
        if (v.campaign.contained) lines.push('The campaign is contained: its copies are being removed from mailboxes, and new ones are held.');
      }
      lines.push('', 'Do not reply to it, call numbers in it, or open its links or attachments. If you already did, call the IT security desk now: acting quickly limits the harm.');
      return { subject: `Your report: ${v.kind === 'phishing' ? 'phishing confirmed' : 'suspicious, under review'}`, text: lines.join('\n') + sign };
    }
    case 'clean':
      return {
        subject: 'Your report: received',
        text:
          [
            thanks,
            '',
            `We checked it again and found no sign of phishing (score ${v.score}). The security team will still look at it; if it asked you for passwords, patient data or payment, do not answer it until they have.`,
          ].join('\n') + sign,
      };
    case 'simulation':
      return {
        subject: 'Your report: well spotted — this was a training exercise',
        text: [thanks, '', 'Well spotted: it was a phishing simulation run by your security team. Your report has been credited to your training record.'].join('\n') + sign,
      };
    case 'unusable':
      return {
        subject: 'Your report: we could not find the message',
        text:
          [
            thanks,
            '',
            `We could not read the reported message from your report (${v.problem}).`,
            'Please forward the suspicious mail again as an attachment (in most mail programs: More actions → Forward as attachment), or use the "Report phishing" button.',
          ].join('\n') + sign,
      };
  }
}

export async function buildReply(i: ReplyInput): Promise<Buffer> {
  const { subject, text } = replyText(i);
  return new MailComposer({
    from: i.from,
    to: i.to,
    subject,
    text,
    date: i.now ?? new Date(),
    ...(i.inReplyTo ? { inReplyTo: i.inReplyTo, references: i.inReplyTo } : {}),
    // Auto-Submitted keeps vacation responders from answering, and the report address from looping.
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Medshield-Report-Reply': i.verdict.kind },
  })
    .compile()
    .build();
}
