/**
 * Words that make a display name read as an organisation or a function rather than a
 * person ("PayPal Billing", "IT Helpdesk", "Memorial Hospital Pharmacy"). A free-mail
 * address behind such a name is how impersonation looks when the attacker owns no domain.
 * Matched on word boundaries, case-insensitively unless `caseSensitive` (short acronyms
 * like IT and HR are ordinary words in lower case).
 */
export interface OrgWordRule {
  id: string;
  pattern: string;
  caseSensitive?: boolean;
  /** Display names this rule must match. */
  matches: string[];
  /** Display names this rule must not match (people's names, ordinary phrases). */
  nonMatches: string[];
}

export const ORG_WORD_RULES: OrgWordRule[] = [
  {
    id: 'support-desk',
    pattern: String.raw`support|help ?desk|service ?desk|customer (?:care|service)|customer support|technical support|tech support`,
    matches: ['Microsoft Support', 'IT Helpdesk', 'Customer Care', 'Service Desk', 'Apple Tech Support'],
    nonMatches: ['Maria Supportino', 'Helen Deskins', 'John Carey'],
  },
  {
    id: 'team-department',
    pattern: String.raw`team|department|dept|division|office of|administration`,
    matches: ['Security Team', 'Billing Department', 'Office of the CEO', 'Payroll Dept'],
    nonMatches: ['Teamus Johnson', 'Dorothy Office', 'Steam Williams'],
  },
  {
    id: 'billing-finance',
    pattern: String.raw`billing|invoices?|accounts? payable|accounts? receivable|accounting|payroll|finance|treasury|refunds?`,
    matches: ['Billing Notice', 'Accounts Payable', 'Payroll', 'Refund Desk'],
    nonMatches: ['Bill Smith', 'Billy Ray', 'Financella Moore'],
  },
  {
    id: 'security-admin',
    pattern: String.raw`security|administrator|admin|sysadmin|webmaster|postmaster|mail ?administrator|mailbox|e-?mail (?:service|admin)|account (?:service|verification|team)|verification|compliance`,
    matches: ['Account Security', 'Mail Administrator', 'Webmaster', 'Mailbox Quota', 'Verification Center'],
    nonMatches: ['Adminah Lopez', 'Securio Bianchi'],
  },
  {
    id: 'services',
    pattern: String.raw`services?|notifications?|alerts?|no-?reply|do ?not ?reply`,
    matches: ['Online Services', 'Notification', 'Alerts', 'noreply', 'Do Not Reply'],
    nonMatches: ['Servio Ramos', 'Alertina Grey'],
  },
  {
    id: 'healthcare-org',
    pattern: String.raw`hospital|clinic|medical (?:center|centre|group|records|billing)|health ?(?:system|care|services|plan)|healthcare|pharmacy|laboratory|radiology|insurance|medicare|medicaid`,
    matches: ['Mercy Hospital', 'Family Clinic', 'Medical Records', 'CVS Pharmacy', 'Blue Shield Insurance', 'Medicare'],
    nonMatches: ['Clinton Hospitalier', 'Dr Sarah Klein', 'Sam Pharmacia'],
  },
  {
    id: 'bank',
    pattern: String.raw`bank|banking|credit union|card services`,
    matches: ['Chase Bank', 'Online Banking', 'Navy Federal Credit Union'],
    nonMatches: ['Tyra Banks', 'Bankole Adeyemi'],
  },
  {
    id: 'commerce-notice',
    pattern: String.raw`delivery|shipping|rewards?|customers?|orders?|statement|receipt|claims?|refund|lottery|winners?|promotions?`,
    matches: ['DHL Delivery', 'Kohls Rewards', 'Dear Customer', 'Your Order #865999', 'Statement-5663', 'Claims Unit'],
    nonMatches: ['Shippingham Lee', 'Orderly Jones', 'Mary Claimsworth'],
  },
  {
    id: 'authority',
    pattern: String.raw`tribunal|court|commission|ministry|government|official|compensation|united nations|federal|police|customs`,
    matches: ['TRIBUNAL REGIONAL', 'ECOWAS Compensation Commission', 'Receita Federal', 'UK Customs'],
    nonMatches: ['Courtney Adams', 'Officiale Rossi'],
  },
  {
    id: 'acronyms',
    pattern: String.raw`IT|HR|ICT|IRS|HMRC|DHL|UPS|USPS|FedEx`,
    caseSensitive: true,
    matches: ['IT Desk', 'HR', 'IRS Refund', 'DHL Express'],
    nonMatches: ['It is me', 'Ithaca Smith', 'hr smith', 'Hruska Peter'],
  },
  {
    id: 'non-english',
    pattern: String.raw`suporte|atendimento|servicio|soporte|kundenservice|kundendienst|abteilung|service client|assistenza|banco|seguran[cç]a|sicherheit`,
    matches: ['Suporte Técnico', 'Atendimento ao Cliente', 'Kundenservice', 'Banco do Brasil', 'Service Client'],
    nonMatches: ['João Silva', 'Bancroft Miller'],
  },
];

export function compileOrgWordRule(rule: OrgWordRule): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${rule.pattern})(?![\\p{L}\\p{N}])`, rule.caseSensitive ? 'u' : 'iu');
}
