import { z } from 'zod';
import { getDomain } from 'tldts';
import { defineAnalyzer, type AnalyzerContext, type Emit } from '../analyzer.ts';
import type { AuthResult } from '../../authenticate/auth-result.ts';
import type { ParsedMessage } from '../../parse/message.ts';

/**
 * Turns the SPF/DKIM/DMARC/ARC outcome (computed by `authenticate` before analyzers run)
 * into signals. Authentication says who sent a message, not whether it is bad: phishers
 * pass DMARC for their own domains every day, so a pass is only faint comfort, while a
 * failure for a domain that publishes an enforcing policy, or for the organisation's own
 * domain, is strong evidence of forgery.
 */

const configSchema = z
  .object({
    /** Score a DMARC failure under p=none like one under p=quarantine (for orgs that want to be strict). */
    treatDmarcNoneAsFail: z.boolean().default(false),
    /**
     * ARC sealers whose chain is believed: a DMARC failure on mail they sealed with a passing
     * chain is probably list or forwarding damage, not forgery. Anyone can seal a message, so
     * only well-known intermediaries belong here. Matched on the seal's d= (or a subdomain).
     */
    trustedArcSealers: z
      .array(z.string().min(1))
      .default(['google.com', 'googlegroups.com', 'microsoft.com', 'outlook.com', 'messagingengine.com', 'fastmail.com', 'pobox.com', 'topicbox.com']),
    /** Factor for DMARC failures a trusted ARC chain explains. */
    trustedArcFactor: z.number().min(0).max(1).default(0.25),
    /**
     * Factor for DMARC failures with the fingerprint of a mailing list that keeps From and
     * adds a footer: list headers, and the From domain's own signature present but broken.
     */
    mailingListFactor: z.number().min(0).max(1).default(0.25),
    /**
     * Factor for DMARC failures evaluated here without a client IP: SPF could not be checked,
     * so a sender relying on SPF alone looks like a failure.
     */
    spfUnknownFactor: z.number().min(0).max(1).default(0.5),
  })
  .strict();

type Config = z.output<typeof configSchema>;

function orgDomain(domain: string): string {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return getDomain(d, { allowPrivateDomains: true }) ?? d;
}

function within(domain: string, parent: string): boolean {
  const d = domain.toLowerCase();
  const p = parent.toLowerCase();
  return d === p || d.endsWith(`.${p}`);
}

function trustedArcChain(auth: AuthResult, config: Config): string | null {
  if (auth.arc?.result !== 'pass' || !auth.arc.sealer) return null;
  const sealer = auth.arc.sealer;
  return config.trustedArcSealers.some((t) => within(sealer, t)) ? sealer : null;
}

const LIST_HEADERS = ['list-id', 'list-post', 'mailing-list', 'x-beenthere'];

/**
 * Why a DMARC failure may be innocent, as a score factor and a note: a trusted ARC chain,
 * or list damage to the sender's own signature: its body hash fails but its signed headers
 * still verify. A forger has no such signature; one copied from a genuine message fails on
 * the headers.
 */
function mitigation(msg: ParsedMessage, auth: AuthResult, config: Config): { factor: number; notes: string[] } {
  let factor = 1;
  const notes: string[] = [];
  const sealer = trustedArcChain(auth, config);
  if (sealer) {
    factor *= config.trustedArcFactor;
    notes.push(`an intact ARC chain sealed by ${sealer} suggests forwarding or a mailing list changed it`);
  } else {
    const list = msg.headers.some((h) => LIST_HEADERS.includes(h.key));
    const brokenOwnSignature = auth.dkim.some((d) => d.aligned && d.result === 'fail' && d.headersVerified === true);
    if (list && brokenOwnSignature) {
      factor *= config.mailingListFactor;
      notes.push("it came through a mailing list that broke the sender's own DKIM signature");
    }
  }
  if (auth.source === 'local' && !auth.spf) {
    factor *= config.spfUnknownFactor;
    notes.push('SPF could not be checked without the client IP');
  }
  return { factor, notes };
}

function spfDescription(auth: AuthResult): string {
  if (!auth.spf) return 'SPF not evaluated';
  return `SPF ${auth.spf.result}${auth.spf.domain ? ` for ${auth.spf.domain}` : ''}`;
}

function whose(auth: AuthResult): string {
  return auth.source === 'upstream' && auth.authservId ? ` (as reported by ${auth.authservId})` : '';
}

function spfSignals(auth: AuthResult, emit: Emit): void {
  if (!auth.spf) return;
  // Forwarding breaks SPF and nothing else; a passing aligned DKIM signature shows the mail is intact.
  if (auth.dkim.some((d) => d.result === 'pass' && d.aligned)) return;
  const { result, domain } = auth.spf;
  if (result === 'fail') {
    emit('SPF_FAIL', `The server that delivered this message is not allowed to send for ${domain || 'the envelope domain'}${whose(auth)}.`);
  } else if (result === 'softfail') {
    emit('SPF_SOFTFAIL', `${domain || 'The envelope domain'} marks the delivering server as probably not authorised (~all)${whose(auth)}.`);
  }
}

function dkimSignals(auth: AuthResult, emit: Emit): void {
  // A list footer breaks the author's signature while the list re-signs: only complain when
  // no signature at all survived.
  if (auth.dkim.length === 0 || auth.dkim.some((d) => d.result === 'pass')) return;
  const failed = auth.dkim.filter((d) => d.result === 'fail');
  if (failed.length === 0) return;
  const list = failed.map((d) => `${d.domain || '(no domain)'}${d.comment ? ` (${d.comment})` : ''}`).join(', ');
  emit('DKIM_INVALID', `The DKIM signature of ${list} does not verify: the message was changed after signing, or the signature is forged${whose(auth)}.`);
}

function dmarcSignals(msg: ParsedMessage, auth: AuthResult, config: Config, emit: Emit): void {
  const dmarc = auth.dmarc;
  if (!dmarc) return;
  if (dmarc.result === 'pass') {
    emit('DMARC_PASS_ALIGNED', `The From domain ${dmarc.domain} is authenticated by an aligned SPF or DKIM pass (DMARC pass)${whose(auth)}.`);
    return;
  }
  if (dmarc.result !== 'fail') return;

  const { factor, notes } = mitigation(msg, auth, config);
  const policy = dmarc.policy || 'unknown';
  const base = `${dmarc.domain} publishes DMARC p=${policy}, and this message is not authenticated for it (no aligned SPF or DKIM pass)${whose(auth)}`;
  const evidence = notes.length ? `${base}; ${notes.join('; ')}.` : `${base}.`;

  if (dmarc.policy === 'reject') emit('DMARC_FAIL_REJECT', evidence, factor);
  else if (dmarc.policy === 'quarantine') emit('DMARC_FAIL_QUARANTINE', evidence, factor);
  else if (config.treatDmarcNoneAsFail) emit('DMARC_FAIL_QUARANTINE', `${evidence} Scored as quarantine (treatDmarcNoneAsFail).`, factor);
  else emit('DMARC_FAIL_NONE', evidence, factor);
}

function orgSpoofSignal(msg: ParsedMessage, ctx: AnalyzerContext, config: Config, emit: Emit): void {
  const auth = ctx.auth;
  if (msg.fromAll.length > 1) return;
  const fromDomain = msg.from?.domain || auth.dmarc?.domain || '';
  if (!fromDomain) return;
  const ownDomain = ctx.org.domains.find((d) => within(fromDomain, d));
  if (!ownDomain) return;

  const spfAligned = auth.spf?.result === 'pass' && orgDomain(auth.spf.domain) === orgDomain(fromDomain);
  const dkimAligned = auth.dkim.some((d) => d.result === 'pass' && d.aligned);
  if (auth.dmarc?.result === 'pass' || spfAligned || dkimAligned) return;

  // Only a conclusive evaluation counts: a timeout may have hidden the pass.
  const temporary = auth.spf?.result === 'temperror' || auth.dkim.some((d) => d.result === 'temperror' && d.aligned);
  const dmarcResult = auth.dmarc?.result;
  if (dmarcResult === 'temperror' || dmarcResult === 'permerror' || temporary) return;

  const failures: string[] = [];
  if (dmarcResult === 'fail') failures.push(`DMARC fail (p=${auth.dmarc?.policy || 'unknown'})`);
  const spfForOrg = !!auth.spf && orgDomain(auth.spf.domain) === orgDomain(fromDomain);
  if (spfForOrg && (auth.spf?.result === 'fail' || auth.spf?.result === 'softfail')) failures.push(spfDescription(auth));
  const badSig = auth.dkim.filter((d) => d.result === 'fail' && d.aligned);
  if (badSig.length) failures.push(`DKIM signature of ${badSig[0].domain} does not verify`);
  // Without any failure the organisation simply publishes nothing to check against
  // (no DMARC, no SPF -all): that is a configuration gap, not evidence about this message.
  if (failures.length === 0) return;

  const mitigated = mitigation(msg, auth, config);
  let factor = mitigated.factor;
  const notes = mitigated.notes;
  if (dmarcResult !== 'fail') {
    factor *= 0.5;
    notes.push(
      dmarcResult === 'none'
        ? `${ownDomain} publishes no DMARC policy, so this rests on SPF/DKIM alone`
        : 'no DMARC result, so this rests on SPF/DKIM alone',
    );
  }
  const detail = [...failures, ...(badSig.length ? [] : ['no DKIM signature from the organisation'])].join(', ');
  emit(
    'ORG_DOMAIN_SPOOF',
    `The From address uses the organisation's own domain (${fromDomain}) but the message is not authenticated for it: ${detail}${whose(auth)}${
      notes.length ? `; ${notes.join('; ')}` : ''
    }.`,
    factor,
  );
}

export const authentication = defineAnalyzer({
  id: 'authentication',
  description: 'SPF, DKIM, DMARC and ARC outcomes, and forged use of the organisation’s own domain.',
  config: configSchema,
  signals: {
    SPF_FAIL: {
      weight: 1.5,
      description: 'The envelope domain’s SPF record (-all) does not allow the server that delivered the message. Forwarding causes this too, so it is moderate.',
    },
    SPF_SOFTFAIL: {
      weight: 0.5,
      description: 'The envelope domain’s SPF record says the delivering server is probably not authorised (~all).',
    },
    DKIM_INVALID: {
      weight: 1,
      description: 'The message carries a DKIM signature that does not verify and none that does: altered after signing, or forged. Mailing-list footers do this innocently.',
    },
    DMARC_FAIL_REJECT: {
      weight: 4,
      description: 'The From domain asks receivers to reject unauthenticated mail (DMARC p=reject) and this message is not authenticated for it.',
    },
    DMARC_FAIL_QUARANTINE: {
      weight: 3,
      description: 'The From domain asks receivers to quarantine unauthenticated mail (DMARC p=quarantine) and this message is not authenticated for it.',
    },
    DMARC_FAIL_NONE: {
      weight: 0.5,
      description: 'The From domain publishes DMARC in monitoring mode (p=none) and this message is not authenticated for it; many legitimate senders are still misconfigured.',
    },
    DMARC_PASS_ALIGNED: {
      weight: -0.5,
      description: 'The From domain is authenticated (DMARC pass). Proves who sent it, not that it is harmless: phishers pass for their own domains.',
    },
    ARC_FAIL: {
      weight: 1,
      description: 'The message carries an ARC chain (forwarding record) that is broken or forged.',
    },
    ORG_DOMAIN_SPOOF: {
      weight: 6,
      description: 'The From address uses the organisation’s own domain, but the message fails its authentication: the classic forged internal sender (CEO, IT helpdesk, payroll).',
    },
  },
  analyze(msg, ctx, config, emit) {
    const auth = ctx.auth;
    if (auth.source === 'none') return;
    spfSignals(auth, emit);
    dkimSignals(auth, emit);
    dmarcSignals(msg, auth, config, emit);
    if (auth.arc?.result === 'fail') {
      emit('ARC_FAIL', `The ARC chain${auth.arc.sealer ? ` sealed by ${auth.arc.sealer}` : ''} does not verify${auth.arc.comment ? ` (${auth.arc.comment})` : ''}${whose(auth)}.`);
    }
    orgSpoofSignal(msg, ctx, config, emit);
  },
});
