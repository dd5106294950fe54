/**
 * A brand pack: the organisations phishing most often pretends to be, with the domains
 * their real mail and sites use. Data, not code: see brands.json beside this file.
 */
export interface Brand {
  /** Stable id, kebab-case (e.g. "zocdoc"). */
  id: string;
  /** Display name (e.g. "Zocdoc"). */
  name: string;
  /** Category for reporting. */
  sector: 'healthcare' | 'government' | 'technology' | 'finance' | 'shipping' | 'retail' | 'streaming' | 'social' | 'other';
  /**
   * Names that identify the brand in text, matched case-insensitively on word boundaries.
   * Only distinctive names: a word that is also common English ("Chase", "Target",
   * "Apple") must be given in a qualified form ("Chase Bank", "Apple ID").
   */
  names: string[];
  /** Registrable domains (eTLD+1) the brand legitimately sends from or links to. */
  domains: string[];
  /** Official public phone numbers in E.164, when known from the brand's own site. */
  phones?: string[];
}

export interface BrandPack {
  brands: Brand[];
}
