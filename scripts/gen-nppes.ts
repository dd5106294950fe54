/**
 * Writes a synthetic NPPES npidata_pfile: the real 330-column header, every field quoted as
 * CMS writes it, valid NPIs (Luhn with the 80840 prefix), ~78% individuals, ~19%
 * organisations, ~3% deactivated NPIs with their names blanked. Names are random
 * combinations of common US names, not real providers.
 *
 *   node --import tsx scripts/gen-nppes.ts [ROWS] [OUT]    (default 1000000 /tmp/npidata_pfile_synthetic.csv)
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { NPPES_HEADER, nppesCsvHeader } from '../src/directory/nppes-header.ts';
import { npiCheckDigit } from '../src/directory/npi.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const out = process.argv[3] ?? '/tmp/npidata_pfile_synthetic.csv';
if (!Number.isInteger(rows) || rows < 1) {
  process.stderr.write('usage: gen-nppes.ts [ROWS] [OUT]\n');
  process.exit(2);
}

// A seeded generator, so two runs write the same file.
let seed = 20_240_101;
// mulberry32: small, fast, and good enough to spread rows over the categories.
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

const FIRST = ['JAMES', 'MARY', 'ROBERT', 'PATRICIA', 'JOHN', 'JENNIFER', 'MICHAEL', 'LINDA', 'DAVID', 'ELIZABETH', 'WILLIAM', 'BARBARA', 'RICHARD', 'SUSAN', 'JOSEPH', 'JESSICA', 'THOMAS', 'SARAH', 'CHRISTOPHER', 'KAREN', 'CHARLES', 'LISA', 'DANIEL', 'NANCY', 'MATTHEW', 'BETTY', 'ANTHONY', 'SANDRA', 'MARK', 'ASHLEY', 'PRIYA', 'WEI', 'MARIA', 'JOSE', 'AHMED', 'FATIMA', 'HIROSHI', 'OLUWASEUN', 'ANH', 'RAJESH', 'SOFIA', 'DMITRI', 'GRACE', 'KWAME', 'LEILA', 'MIGUEL', 'NGOZI', 'SANJAY', 'YUKI', 'ZHANG'];
const LAST = ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ', 'HERNANDEZ', 'LOPEZ', 'GONZALEZ', 'WILSON', 'ANDERSON', 'THOMAS', 'TAYLOR', 'MOORE', 'JACKSON', 'MARTIN', 'LEE', 'PEREZ', 'THOMPSON', 'WHITE', 'HARRIS', 'SANCHEZ', 'CLARK', 'RAMIREZ', 'LEWIS', 'ROBINSON', 'PATEL', 'NGUYEN', 'KIM', 'CHEN', 'SHAH', 'OKAFOR', 'COHEN', "O'BRIEN", 'VAN DER BERG', 'MUELLER', 'KOWALSKI', 'IVANOV', 'TANAKA', 'SINGH', 'ALI', 'NOVAK', 'ROSSI', 'SILVA', 'HASSAN', 'MENSAH'];
const MIDDLE = ['', '', '', 'A', 'B', 'C', 'J', 'L', 'M', 'ANN', 'MARIE', 'LEE', 'R'];
const CREDENTIALS = ['M.D.', 'MD', 'D.O.', 'NP', 'FNP-C', 'PA-C', 'RN', 'DDS', 'PHARMD', 'LCSW', 'PT, DPT', 'M.D., PH.D.', 'CRNA', 'OD', 'DC', ''];
const TAXONOMY = ['207R00000X', '207Q00000X', '208000000X', '207RC0000X', '207X00000X', '363L00000X', '363A00000X', '163W00000X', '122300000X', '183500000X', '1041C0700X', '225100000X', '367500000X', '152W00000X', '111N00000X', '207P00000X'];
const ORG_TAXONOMY = ['193200000X', '193400000X', '261QP2300X', '282N00000X', '332B00000X', '3336C0003X', '291U00000X', '251E00000X'];
const ORG_WORDS = ['RIVERSIDE', 'NORTHGATE', 'SUMMIT', 'CEDAR VALLEY', 'LAKEVIEW', 'PINE RIDGE', 'HARBOR', 'MEADOWBROOK', 'OAKWOOD', 'SILVER LAKE', 'EASTSIDE', 'WESTFIELD', 'GREENWOOD', 'HILLCREST', 'BAYSHORE', 'PRAIRIE'];
const ORG_KINDS = ['FAMILY MEDICINE', 'PEDIATRICS', 'CARDIOLOGY ASSOCIATES', 'MEDICAL GROUP', 'PHARMACY', 'HOME HEALTH', 'PHYSICAL THERAPY', 'DERMATOLOGY', 'URGENT CARE', 'ORTHOPEDICS', 'IMAGING CENTER', 'DENTAL CARE'];
const LEGAL = ['LLC', 'PC', 'INC', 'PLLC', 'PA', ''];
const CITIES: [string, string, string][] = [['BOSTON', 'MA', '617'], ['SPRINGFIELD', 'MA', '413'], ['HOUSTON', 'TX', '713'], ['PHOENIX', 'AZ', '602'], ['CHICAGO', 'IL', '312'], ['ATLANTA', 'GA', '404'], ['DENVER', 'CO', '303'], ['SEATTLE', 'WA', '206'], ['MIAMI', 'FL', '305'], ['COLUMBUS', 'OH', '614'], ['NASHVILLE', 'TN', '615'], ['PORTLAND', 'OR', '503']];
const STREETS = ['MAIN ST', 'OAK AVE', 'MEDICAL PARK DR', 'WASHINGTON BLVD', 'HOSPITAL RD', 'ELM ST', 'PROFESSIONAL PKWY', 'CENTER ST'];

const col = new Map(NPPES_HEADER.map((h, i) => [h, i]));
const idx = (name: string) => {
  const i = col.get(name);
  if (i === undefined) throw new Error(`no column ${name}`);
  return i;
};
const C = {
  npi: idx('NPI'), entity: idx('Entity Type Code'), ein: idx('Employer Identification Number (EIN)'), org: idx('Provider Organization Name (Legal Business Name)'),
  last: idx('Provider Last Name (Legal Name)'), first: idx('Provider First Name'), middle: idx('Provider Middle Name'), prefix: idx('Provider Name Prefix Text'),
  cred: idx('Provider Credential Text'), otherOrg: idx('Provider Other Organization Name'), otherOrgType: idx('Provider Other Organization Name Type Code'),
  mail1: idx('Provider First Line Business Mailing Address'), mailCity: idx('Provider Business Mailing Address City Name'), mailState: idx('Provider Business Mailing Address State Name'),
  mailZip: idx('Provider Business Mailing Address Postal Code'), mailCountry: idx('Provider Business Mailing Address Country Code (If outside U.S.)'), mailPhone: idx('Provider Business Mailing Address Telephone Number'),
  loc1: idx('Provider First Line Business Practice Location Address'), locCity: idx('Provider Business Practice Location Address City Name'), locState: idx('Provider Business Practice Location Address State Name'),
  locZip: idx('Provider Business Practice Location Address Postal Code'), locCountry: idx('Provider Business Practice Location Address Country Code (If outside U.S.)'),
  locPhone: idx('Provider Business Practice Location Address Telephone Number'), locFax: idx('Provider Business Practice Location Address Fax Number'),
  enumerated: idx('Provider Enumeration Date'), updated: idx('Last Update Date'), deactReason: idx('NPI Deactivation Reason Code'), deactivated: idx('NPI Deactivation Date'),
  sex: idx('Provider Sex Code'), aoLast: idx('Authorized Official Last Name'), aoFirst: idx('Authorized Official First Name'), aoTitle: idx('Authorized Official Title or Position'),
  aoPhone: idx('Authorized Official Telephone Number'), tax1: idx('Healthcare Provider Taxonomy Code_1'), lic1: idx('Provider License Number_1'), licState1: idx('Provider License Number State Code_1'),
  primary1: idx('Healthcare Provider Primary Taxonomy Switch_1'), tax2: idx('Healthcare Provider Taxonomy Code_2'), primary2: idx('Healthcare Provider Primary Taxonomy Switch_2'),
  other1: idx('Other Provider Identifier_1'), otherType1: idx('Other Provider Identifier Type Code_1'), otherState1: idx('Other Provider Identifier State_1'),
  sole: idx('Is Sole Proprietor'), subpart: idx('Is Organization Subpart'), group1: idx('Healthcare Provider Taxonomy Group_1'), certified: idx('Certification Date'),
};

const date = () => `${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}/${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}/${2005 + Math.floor(rand() * 20)}`;
const phone = (area: string) => `${area}${2 + Math.floor(rand() * 8)}${digits(6)}`;
let npiBase = 100_000_000;

function row(): string {
  const f = new Array<string>(NPPES_HEADER.length).fill('');
  const base = String(npiBase++).slice(0, 9);
  npiBase += Math.floor(rand() * 5);
  f[C.npi] = base + npiCheckDigit(base);
  const r = rand();
  if (r < 0.03) {
    // Deactivated: CMS removes everything but the number and the dates.
    f[C.deactReason] = '';
    f[C.deactivated] = date();
    return quoteRow(f);
  }
  const [city, state, area] = pick(CITIES);
  const street = `${1 + Math.floor(rand() * 9000)} ${pick(STREETS)}`;
  const zip = `${digits(5)}${rand() < 0.7 ? digits(4) : ''}`;
  f[C.mail1] = street; f[C.mailCity] = city; f[C.mailState] = state; f[C.mailZip] = zip; f[C.mailCountry] = 'US'; f[C.mailPhone] = phone(area);
  f[C.loc1] = street; f[C.locCity] = city; f[C.locState] = state; f[C.locZip] = zip; f[C.locCountry] = 'US'; f[C.locPhone] = phone(area);
  if (rand() < 0.5) f[C.locFax] = phone(area);
  f[C.enumerated] = date(); f[C.updated] = date(); f[C.certified] = rand() < 0.6 ? date() : '';
  if (r < 0.81) {
    f[C.entity] = '1';
    f[C.last] = pick(LAST); f[C.first] = pick(FIRST); f[C.middle] = pick(MIDDLE); f[C.prefix] = rand() < 0.3 ? 'DR.' : '';
    f[C.cred] = pick(CREDENTIALS); f[C.sex] = rand() < 0.5 ? 'F' : 'M'; f[C.sole] = rand() < 0.2 ? 'Y' : 'N';
    f[C.tax1] = pick(TAXONOMY); f[C.lic1] = `${state}${digits(6)}`; f[C.licState1] = state; f[C.primary1] = 'Y';
    if (rand() < 0.2) { f[C.tax2] = pick(TAXONOMY); f[C.primary2] = 'N'; }
    if (rand() < 0.3) { f[C.other1] = digits(8); f[C.otherType1] = '05'; f[C.otherState1] = state; }
  } else {
    f[C.entity] = '2';
    const name = `${pick(ORG_WORDS)} ${pick(ORG_KINDS)}`;
    const legal = pick(LEGAL);
    f[C.org] = legal ? `${name} ${legal}` : name;
    if (rand() < 0.3) { f[C.otherOrg] = name; f[C.otherOrgType] = '3'; }
    f[C.ein] = '<UNAVAIL>'; f[C.subpart] = rand() < 0.1 ? 'Y' : 'N';
    f[C.aoLast] = pick(LAST); f[C.aoFirst] = pick(FIRST); f[C.aoTitle] = pick(['OWNER', 'CEO', 'PRACTICE MANAGER', 'ADMINISTRATOR']); f[C.aoPhone] = phone(area);
    f[C.tax1] = pick(ORG_TAXONOMY); f[C.primary1] = 'Y'; f[C.group1] = rand() < 0.2 ? '193200000X MULTI-SPECIALTY GROUP' : '';
  }
  return quoteRow(f);
}

function quoteRow(f: string[]): string {
  return `"${f.map((v) => v.replace(/"/g, '""')).join('","')}"`;
}

const started = performance.now();
const stream = createWriteStream(out);
stream.write(`${nppesCsvHeader()}\r\n`);
let chunk: string[] = [];
for (let i = 0; i < rows; i++) {
  chunk.push(row());
  if (chunk.length === 2000 || i === rows - 1) {
    if (!stream.write(`${chunk.join('\r\n')}\r\n`)) await once(stream, 'drain');
    chunk = [];
  }
}
stream.end();
await once(stream, 'finish');
process.stdout.write(`wrote ${rows.toLocaleString('en-US')} rows × ${NPPES_HEADER.length} columns to ${out} (${(stream.bytesWritten / 1048576).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
