/**
 * Outcome of SPF, DKIM, DMARC and ARC evaluation for one message, whether computed here
 * (from the envelope the gateway or CLI gives) or taken from a trusted upstream
 * Authentication-Results header.
 */
export type AuthVerdict =
  | 'pass'
  | 'fail'
  | 'softfail'
  | 'neutral'
  | 'none'
  | 'temperror'
  | 'permerror'
  | 'policy';

export interface AuthResult {
  /** 'local': evaluated by Medshield; 'upstream': from a trusted Authentication-Results; 'none': not evaluated. */
  source: 'local' | 'upstream' | 'none';
  /** null: SPF was not evaluated (no client IP, or the trusted upstream did not report it). */
  spf: { result: AuthVerdict; domain: string; comment?: string } | null;
  /**
   * One entry per DKIM signature. `aligned`: the signing domain is relaxed-aligned with the
   * From domain (same organisational domain), whatever the result; a body-hash mismatch is 'fail'.
   */
  dkim: {
    result: AuthVerdict;
    domain: string;
    selector: string;
    aligned: boolean;
    comment?: string;
    /**
     * Only for a body-hash failure: true when the signed headers still verify (the body was
     * changed in transit, e.g. a list footer), false when they do not (copied or forged).
     */
    headersVerified?: boolean;
  }[];
  /** `policy`: the p= (or sp= for subdomains) that applies, lower-case; '' when unknown or no record. */
  dmarc: { result: AuthVerdict; domain: string; policy: string; comment?: string } | null;
  /** `sealer`: d= of the newest ARC-Seal, when the message has one. */
  arc: { result: AuthVerdict; sealer?: string; comment?: string } | null;
  /** RFC 8601 Authentication-Results header value Medshield would add (empty when not evaluated). */
  header: string;
  /** For source 'upstream': the authserv-id of the header the results were taken from. */
  authservId?: string;
}

export const NO_AUTH: AuthResult = { source: 'none', spf: null, dkim: [], dmarc: null, arc: null, header: '' };
