import { z } from 'zod';
import { defineAnalyzer, quote } from '../analyzer.ts';
import { compileHostList, FREE_HOSTING } from '../links/lists.ts';
import { registrableDomain } from '../../text/domains.ts';
import { findDisguisedTerms } from './obfuscation.ts';
import { mixedScriptWords } from '../../text/mixed-script.ts';
import { findWordSalad } from './word-salad.ts';

/**
 * Tricks bulk spam and phishing use to get past filters and people, independent of topic:
 * disguised spam words, a sender address on a free app-hosting platform, a body that is
 * little more than a link, generated filler text, and words spelled with letters from
 * another alphabet.
 */

const configSchema = z
  .object({
    /** Visible words at or below which a message with a foreign link counts as link-only. */
    linkOnlyMaxWords: z.number().int().min(1).default(25),
    /** Extra app-hosting platforms (registrable domains) whose subdomains should not send mail. */
    extraFreeHosting: z.array(z.string()).default([]),
  })
  .strict();

const WORD = /\p{L}{2,}/gu;
// Microsoft 365 tenants' default domains: organisations send from their own domain; a
// tenant mailing strangers from its bare *.onmicrosoft.com name is a throw-away tenant.
const SENDER_ONLY_PLATFORMS = ['onmicrosoft.com'];
const freeHosting = new Map<string, ReturnType<typeof compileHostList>>();

export const spamTactics = defineAnalyzer({
  id: 'spam-tactics',
  description: 'Filter-evasion tricks: disguised spam words, senders on free app-hosting platforms, link-only bodies.',
  config: configSchema,
  signals: {
    OBFUSCATED_SPAM_TERM: {
      weight: 4,
      description: 'Spam vocabulary disguised with look-alike characters or spacing ("V1agra", "C I A L I S") so filters miss it.',
    },
    SENDER_FREE_HOSTING: {
      weight: 2,
      description: 'The sender address is on a free app-hosting platform (firebaseapp.com, web.app, onmicrosoft.com…) rather than an organisation’s own domain.',
    },
    LINK_ONLY_BODY: {
      weight: 1,
      description: 'The message says almost nothing except a link to another site.',
    },
    MIXED_SCRIPT_TEXT: {
      weight: 3,
      description: 'Several words in the subject or text mix Latin with Cyrillic or Greek look-alike letters ("Pаypal", "Ceминaры"), so that word filters miss them.',
    },
    WORD_SALAD: {
      weight: 3,
      description: 'The text is generated filler: dictionary words strung together with free-standing commas, written to feed word-counting filters innocent vocabulary.',
    },
  },

  analyze(msg, _ctx, config, emit) {
    const disguised = findDisguisedTerms(`${msg.subject}\n${msg.text.slice(0, 20_000)}`);
    if (disguised.length) {
      const shown = [...new Map(disguised.map((d) => [d.written.toLowerCase(), d])).values()].slice(0, 4);
      emit('OBFUSCATED_SPAM_TERM', shown.map((d) => `${quote(d.written)} (${d.term})`).join(', '), disguised.length >= 3 ? 1.3 : 1);
    }

    const key = config.extraFreeHosting.join(',');
    let hosts = freeHosting.get(key);
    if (!hosts) freeHosting.set(key, (hosts = compileHostList(FREE_HOSTING, [...SENDER_ONLY_PLATFORMS, ...config.extraFreeHosting])));
    const fromDomain = msg.from?.domain ?? '';
    const platform = fromDomain ? hosts.has(fromDomain, '/') : undefined;
    // The platform's own apex (mail from firebase.google.com staff) is not a hosted tenant.
    if (platform && fromDomain !== platform) {
      emit('SENDER_FREE_HOSTING', `sender ${msg.from!.address} is a tenant of ${platform}`);
    }

    // One odd word can be a typo or a pasted name; a disguise is a habit.
    const mixed = mixedScriptWords(`${msg.subject}\n${msg.text}`);
    if (mixed.length >= 3) emit('MIXED_SCRIPT_TEXT', `${mixed.length >= 20 ? '20 or more' : mixed.length} words mix alphabets: ${[...new Set(mixed)].slice(0, 4).map((w) => quote(w)).join(', ')}`);

    const salad = findWordSalad(msg.text);
    if (salad) emit('WORD_SALAD', `${salad.freeCommas} free-standing commas in ${salad.words} words: ${quote(salad.sample, 80)}`);

    const words = msg.text.match(WORD)?.length ?? 0;
    if (words <= config.linkOnlyMaxWords) {
      const own = fromDomain ? registrableDomain(fromDomain) : '';
      const foreign = msg.links.find((l) => l.host && (l.scheme === 'http' || l.scheme === 'https') && registrableDomain(l.host) !== own);
      if (foreign) emit('LINK_ONLY_BODY', `${words} word${words === 1 ? '' : 's'} of text and a link to ${foreign.host}`);
    }
  },
});
