import type { Verdict } from '../engine/verdict.ts';
import type { MessageRow } from '../gateway/journal.ts';
import type { ReviewOutcome } from '../gateway/gateway.ts';
import { askedWords, solicitations } from './asked.ts';
import type { MessageFacts } from './facts/message-facts.ts';
import type { ReviewContext } from './review-context.ts';
import { amendVerdict, verifySignal } from './signals.ts';
import type { NewTask } from './store/tasks.ts';
import { formatPhone } from './number-of-record.ts';
import type { Signal } from '../analyzers/analyzer.ts';
import { authStanding } from '../directory/sender.ts';
import { registrableDomain } from '../text/domains.ts';

/**
 * Inbound mail, after the scan: mail giving a callback number or sender that a failed
 * verification proved false is quarantined; a request for sensitive data from an external
 * sender who is not a verified partner or contact is held or tagged (per policy) and opens a
 * verification task naming the numbers on record to call; and suspicious mail the gateway
 * lets through or stops is remembered, so that a reply to it is recognised.
 */
export async function reviewInbound(ctx: ReviewContext, row: MessageRow, raw: Buffer, verdict: Verdict): Promise<ReviewOutcome | null> {
  const v = ctx.config.verify;
  if (!v.enabled || !v.inbound.enabled || verdict.unscannable || verdict.action === 'reject') return null;
  const sender = verdict.summary.from || row.mailFrom;
  const external = !!sender && !ctx.parties.isOrg(sender);
  const asks = solicitations(verdict.signals, v.inbound.solicitationSignals);
  const blocks = ctx.service.blocklist.snapshot();
  const suspicious = verdict.action !== 'deliver';
  const wantsTask = external && asks.length > 0;
  if (!wantsTask && !suspicious && blocks.phones.size === 0 && blocks.addresses.size === 0) return null;

  const read = await ctx.reader.read(raw, { phiScan: false, textChars: 20_000 });
  if (!read.ok) ctx.logger.warn('verification could not read an inbound message; its verdict stands', { spoolId: row.spoolId, error: read.error });
  const facts: MessageFacts | null = read.ok ? read.facts : null;

  const added: Signal[] = [];
  let action = verdict.action;
  let rule: string | undefined;
  let redecide = false;

  // Numbers and senders proven false.
  const addressHits = [sender, ...(facts?.replyTo ?? [])].map((a) => blocks.addresses.get(a.toLowerCase())).filter((x) => !!x);
  const phoneHits = (facts?.phones ?? []).map((p) => blocks.phones.get(p.e164)).filter((x) => !!x);
  for (const b of phoneHits) added.push(verifySignal('VERIFY_BLOCKED_NUMBER', `gives ${formatPhone(b.value)}, blocked after ${b.reason}`));
  for (const b of addressHits) added.push(verifySignal('VERIFY_BLOCKED_SENDER', `${b.value} was blocked after ${b.reason}`));
  if (phoneHits.length || addressHits.length) {
    action = 'quarantine';
    rule = 'sender verification: a number or sender proven false';
  }

  // A request for sensitive data from someone not verified.
  let task: Omit<NewTask, 'quarantineId' | 'messageAction'> | null = null;
  if (wantsTask) {
    const partner = ctx.parties.partnerOf(sender);
    const auth = authStanding(verdict.auth, registrableDomain(sender));
    const contact = ctx.service.contacts.isVerified(sender);
    if ((partner && auth === 'aligned') || (contact && auth !== 'failed')) {
      const c = contact ? ctx.service.contacts.get(sender)! : null;
      added.push(verifySignal('SENDER_VERIFIED', c ? `${sender} was verified by phone${c.phone ? ` at ${formatPhone(c.phone)}` : ''} on ${c.verifiedAt.toISOString().slice(0, 10)}` : `${sender} is at verified partner ${partner}, authenticated`));
      redecide = true;
    } else if (partner && auth === 'unknown') {
      // A partner's domain without authentication: the scanner's own rules stand, no task (a partner is verified by configuration).
    } else {
      const lookup = ctx.numbers.lookup({
        fromAddress: sender,
        fromName: facts?.from.name ?? verdict.summary.fromName,
        subject: facts?.subject ?? verdict.summary.subject,
        text: facts?.text ?? '',
        phonesInMail: facts?.phones ?? [],
      });
      const asked = askedWords(asks);
      const onRecord = lookup.numbersOfRecord.length ? `call ${lookup.numbersOfRecord.slice(0, 2).map((n) => `${formatPhone(n.e164)} (${n.label})`).join(' or ')}` : 'find their number independently';
      added.push(verifySignal('VERIFY_REQUIRED', `asks for ${asked.join(', ')}; ${sender}${partner ? ' (partner domain, failed authentication)' : ''} is not verified — ${onRecord}, never a number in the mail`));
      if (action === 'deliver' || action === 'tag') {
        action = v.inbound.action;
        rule ??= v.inbound.action === 'hold' ? 'sender verification: request for sensitive data from an unverified sender' : undefined;
      }
      const now = new Date();
      task = {
        kind: 'inbound-request',
        spoolId: row.spoolId,
        partyAddress: sender,
        parties: [sender.toLowerCase()],
        claimed: lookup.claimed,
        asked,
        reasons: [
          { code: 'solicitation', words: `asks for ${asked.join(', ')}` },
          { code: partner ? 'partner-auth-failed' : 'unverified-sender', words: partner ? `writes from partner ${partner}'s domain but fails authentication` : `${sender} is not a verified partner or contact` },
        ],
        numbersOfRecord: lookup.numbersOfRecord,
        numbersInMail: lookup.numbersInMail,
        requester: '',
        recipients: row.rcptTo,
        relatedSpoolId: null,
        campaignId: null,
        subject: facts?.subject ?? verdict.summary.subject,
        owner: v.tasks.owner,
        dueAt: new Date(now.getTime() + v.tasks.dueHours * 3600_000),
        createdAt: now,
      };
    }
  }

  const blocked = phoneHits.length > 0 || addressHits.length > 0;
  const amended = added.length ? amendVerdict(verdict, { signals: added, action: blocked || !redecide ? action : undefined, rule, policy: redecide ? ctx.config.policy : undefined }) : verdict;
  const flag = amended.action !== 'deliver' && facts !== null;
  if (!task && !flag && amended === verdict) return null;
  return {
    verdict: amended,
    commit: ({ quarantineId }) => {
      if (task) ctx.service.tasks.create({ ...task, quarantineId, messageAction: amended.action });
      if (flag && facts) {
        const lookup = task ?? ctx.numbers.lookup({ fromAddress: sender, fromName: facts.from.name, subject: facts.subject, text: facts.text, phonesInMail: facts.phones });
        ctx.service.flagged.record({
          spoolId: row.spoolId,
          messageId: facts.messageId,
          from: sender,
          replyTo: facts.replyTo,
          action: amended.action,
          score: amended.score,
          quarantineId,
          signals: amended.signals.filter((s) => s.score > 0).map((s) => s.id),
          claimed: lookup.claimed,
          numbersOfRecord: lookup.numbersOfRecord,
          numbersInMail: lookup.numbersInMail,
          at: row.receivedAt,
        });
      }
    },
  };
}
