import type { ParsedMessage } from '../../parse/message.ts';
import { headerValue } from '../../parse/message.ts';

/**
 * "Re:" on a message that answers nothing. Bulk senders put a reply prefix on the subject
 * so the mail looks like part of a conversation; a real reply or forward carries the
 * threading headers its mail client adds (In-Reply-To, References), and where an old or
 * web client drops them, it quotes what it answers. A prefix with neither is a costume.
 */

// Reply and forward prefixes of the common mail clients, in the languages they ship in.
const REPLY_PREFIX = /^\s*(?:\[[^\]]{1,40}\]\s*)?(re|aw|sv|vs|antw|odp|r|ref|fw|fwd|wg|tr|rv|enc|doorst)\s?(?:\[\d+\])?\s?:/i;
// How replies and forwards quote: "> " lines, "On … wrote:", Outlook's header block, forwarded-message banners.
const QUOTATION =
  /(?:^|\n)[ \t]*>|\b(?:wrote|writes|schrieb|a écrit|escreveu|escribió|scrisse|schreef)\s*:|-{2,}\s*(?:original message|ursprüngliche nachricht|mensagem original|mensaje original|message d'origine|forwarded message|weitergeleitete nachricht)|(?:^|\n)\s*(?:from|von|de|van)\s*:.*\n(?:.*\n)?\s*(?:sent|date|gesendet|enviad[oa]|envoyé|verzonden|datum)\s*:/i;

/** The reply prefix ("Re:", "Fwd:") when the message claims to answer or forward something it shows no trace of. */
export function fakeReplyPrefix(msg: ParsedMessage): string | null {
  const m = REPLY_PREFIX.exec(msg.subject);
  if (!m) return null;
  if (headerValue(msg, 'in-reply-to') || headerValue(msg, 'references')) return null;
  if (QUOTATION.test(msg.text.slice(0, 50_000)) || /<blockquote\b/i.test(msg.html)) return null;
  return m[0].trim();
}
