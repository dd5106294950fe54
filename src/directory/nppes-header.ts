/**
 * The 330 column names of CMS's NPPES `npidata_pfile` (Data Dissemination, V.2 layout), in
 * file order. The importer finds its columns by name; this full list is for the synthetic
 * file generator and for tests that write NPPES-shaped files.
 */
function numbered(names: string[], count: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) for (const n of names) out.push(`${n}_${i}`);
  return out;
}

export const NPPES_HEADER: readonly string[] = [
  'NPI',
  'Entity Type Code',
  'Replacement NPI',
  'Employer Identification Number (EIN)',
  'Provider Organization Name (Legal Business Name)',
  'Provider Last Name (Legal Name)',
  'Provider First Name',
  'Provider Middle Name',
  'Provider Name Prefix Text',
  'Provider Name Suffix Text',
  'Provider Credential Text',
  'Provider Other Organization Name',
  'Provider Other Organization Name Type Code',
  'Provider Other Last Name',
  'Provider Other First Name',
  'Provider Other Middle Name',
  'Provider Other Name Prefix Text',
  'Provider Other Name Suffix Text',
  'Provider Other Credential Text',
  'Provider Other Last Name Type Code',
  'Provider First Line Business Mailing Address',
  'Provider Second Line Business Mailing Address',
  'Provider Business Mailing Address City Name',
  'Provider Business Mailing Address State Name',
  'Provider Business Mailing Address Postal Code',
  'Provider Business Mailing Address Country Code (If outside U.S.)',
  'Provider Business Mailing Address Telephone Number',
  'Provider Business Mailing Address Fax Number',
  'Provider First Line Business Practice Location Address',
  'Provider Second Line Business Practice Location Address',
  'Provider Business Practice Location Address City Name',
  'Provider Business Practice Location Address State Name',
  'Provider Business Practice Location Address Postal Code',
  'Provider Business Practice Location Address Country Code (If outside U.S.)',
  'Provider Business Practice Location Address Telephone Number',
  'Provider Business Practice Location Address Fax Number',
  'Provider Enumeration Date',
  'Last Update Date',
  'NPI Deactivation Reason Code',
  'NPI Deactivation Date',
  'NPI Reactivation Date',
  'Provider Sex Code',
  'Authorized Official Last Name',
  'Authorized Official First Name',
  'Authorized Official Middle Name',
  'Authorized Official Title or Position',
  'Authorized Official Telephone Number',
  ...numbered(['Healthcare Provider Taxonomy Code', 'Provider License Number', 'Provider License Number State Code', 'Healthcare Provider Primary Taxonomy Switch'], 15),
  ...numbered(['Other Provider Identifier', 'Other Provider Identifier Type Code', 'Other Provider Identifier State', 'Other Provider Identifier Issuer'], 50),
  'Is Sole Proprietor',
  'Is Organization Subpart',
  'Parent Organization LBN',
  'Parent Organization TIN',
  'Authorized Official Name Prefix Text',
  'Authorized Official Name Suffix Text',
  'Authorized Official Credential Text',
  ...numbered(['Healthcare Provider Taxonomy Group'], 15),
  'Certification Date',
];

/** One NPPES row as CMS writes it: every field quoted, empty fields as "". */
export function nppesCsvLine(values: Partial<Record<string, string>>): string {
  return NPPES_HEADER.map((h) => `"${(values[h] ?? '').replace(/"/g, '""')}"`).join(',');
}

export function nppesCsvHeader(): string {
  return NPPES_HEADER.map((h) => `"${h}"`).join(',');
}
