import { defineAnalyzer } from '../analyzer.ts';
import type { ParsedMessage } from '../../parse/message.ts';
import { configSchema } from './config.ts';
import { showName } from './file-names.ts';
import { Inspection, type Finding } from './inspect.ts';
import { SIGNALS, type SignalId } from './signals.ts';

/**
 * What the attachments are, as opposed to what they are called: programs and scripts,
 * disguised names, Office macros and remote templates, active PDFs and link-lure PDFs,
 * HTML phishing pages and smuggling, and archives hiding any of these (or hiding
 * themselves behind a password or a decompression bomb).
 */

// Nested forwarded messages are followed this deep; their attachments are just as dangerous.
const MAX_MESSAGE_NESTING = 3;
// "Password: 4471", "the password is invoice2024": the archive-with-password-in-body delivery trick.
const PASSWORD_IN_BODY =
  /(?<![\p{L}\p{N}])(?:password|passcode|passwort|kennwort|mot de passe|contrase(?:ñ|n)a|senha|wachtwoord|has(?:ł|l)o|parola|пароль|pwd|pw)(?![\p{L}\p{N}])\s*(?:is|:|=|–|-|ist|est|es)\s*["'“‘«]?[\p{L}\p{N}!@#$%^&*._-]{3,}/iu;
const MAX_EVIDENCE_ITEMS = 3;

export const attachments = defineAnalyzer({
  id: 'attachments',
  description: 'Executable, disguised, macro-laden, active or smuggling attachments, and archives that hide them.',
  config: configSchema,
  signals: SIGNALS,

  analyze(msg, ctx, config, emit) {
    const inspection = new Inspection(config, ctx.deadline);
    walkAttachments(msg, '', 0, inspection);

    const bySignal = new Map<SignalId, Finding[]>();
    for (const f of inspection.findings) {
      const list = bySignal.get(f.signal) ?? [];
      if (!list.some((x) => x.evidence === f.evidence)) list.push(f);
      bySignal.set(f.signal, list);
    }
    const passwordHint = bySignal.has('ARCHIVE_ENCRYPTED') && PASSWORD_IN_BODY.test(`${msg.subject}\n${msg.text}`);
    for (const [signal, list] of bySignal) {
      list.sort((a, b) => b.factor - a.factor);
      let factor = list[0].factor;
      const shown = list.slice(0, MAX_EVIDENCE_ITEMS).map((f) => f.evidence);
      if (list.length > MAX_EVIDENCE_ITEMS) shown.push(`${list.length - MAX_EVIDENCE_ITEMS} more`);
      let evidence = shown.join('; ');
      if (signal === 'ARCHIVE_ENCRYPTED' && passwordHint) {
        factor *= 1.75;
        evidence += '; the message body gives the password';
      }
      emit(signal, evidence, factor);
    }
  },
});

function walkAttachments(msg: ParsedMessage, prefix: string, nesting: number, inspection: Inspection): void {
  for (const a of msg.attachments) {
    const label = showName(a.filename) || (a.declaredType.startsWith('message/') ? 'attached message' : `unnamed ${a.declaredType || 'part'}`);
    if (a.nested) {
      if (nesting < MAX_MESSAGE_NESTING) walkAttachments(a.nested, `${prefix}${label} → `, nesting + 1, inspection);
      continue;
    }
    // Inline parts without a name are pieces of the body (images, alternative text), not files the reader opens.
    if (!a.filename && a.disposition === 'inline') continue;
    inspection.inspect({ name: a.filename, declaredType: a.declaredType, content: a.content, path: prefix + label, depth: 0 });
  }
}
