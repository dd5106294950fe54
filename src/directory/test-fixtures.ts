import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryDirectory, type Directory } from './directory.ts';
import { personSchema, organizationSchema, type DirectoryData, type DirectoryPersonInput } from './model.ts';
import { nppesCsvHeader, nppesCsvLine } from './nppes-header.ts';
import { loadNppesInMemory } from './nppes-import.ts';
import { npiCheckDigit } from './npi.ts';

/**
 * A small directory for tests, with the people of fixtures/demo-org (St. Mary's Health and
 * its partners) but no photo files, so analyzer tests do not depend on image fixtures.
 */

export const fakeNpi = (n: number) => {
  const base = `39${String(n).padStart(7, '0')}`;
  return base + npiCheckDigit(base);
};

const person = (n: number, p: Omit<DirectoryPersonInput, 'id' | 'npi'>) => personSchema.parse({ id: `npi-${fakeNpi(n)}`, npi: fakeNpi(n), ...p });

export function demoDirectoryData(): DirectoryData {
  return {
    organizations: [
      organizationSchema.parse({ name: "St. Mary's Health", aliases: ["St Mary's", "Saint Mary's Health", "St. Mary's Hospital"], domains: ['stmarys-health.org'], phones: ['+16175550100'], kind: 'org' }),
      organizationSchema.parse({ name: 'Lakeside Cardiology', aliases: ['Lakeside Cardiology Associates'], domains: ['lakesidecardio.com'], phones: ['+17815550150'], kind: 'partner' }),
    ],
    knownPhones: [
      { e164: '+16175550101', label: "St. Mary's appointment line" },
      { e164: '+18005550175', label: "St. Mary's 24-hour nurse advice line" },
    ],
    persons: [
      person(1, { prefix: 'Dr.', given: 'Elizabeth', family: 'Carter', nicknames: ['Liz'], credentials: ['MD'], specialty: 'Cardiology', emails: ['elizabeth.carter@stmarys-health.org'], phones: ['+16175550111'], organization: "St. Mary's Health" }),
      person(2, { prefix: 'Dr.', given: 'José', family: 'Núñez', credentials: ['MD'], specialty: 'Internal Medicine', emails: ['jose.nunez@stmarys-health.org'], organization: "St. Mary's Health" }),
      person(3, { prefix: 'Dr.', given: 'Robert', family: 'Hale', nicknames: ['Bob'], credentials: ['DO'], specialty: 'Family Medicine', emails: ['robert.hale@stmarys-health.org'], organization: "St. Mary's Health" }),
      person(4, { prefix: 'Dr.', given: 'Priya', family: 'Raman', credentials: ['MD'], specialty: 'Pediatrics', emails: ['priya.raman@stmarys-health.org'], organization: "St. Mary's Health" }),
      person(5, { given: 'Zoë', family: 'Müller', credentials: ['NP'], specialty: 'Dermatology', emails: ['zoe.muller@stmarys-health.org'], organization: "St. Mary's Health" }),
      person(6, { prefix: 'Dr.', given: 'Anne', family: 'van der Berg', credentials: ['MD'], specialty: 'Psychiatry', emails: ['anne.vanderberg@stmarys-health.org'], organization: "St. Mary's Health" }),
      person(7, { prefix: 'Dr.', given: 'María', family: 'García-López', credentials: ['MD'], specialty: 'Endocrinology', emails: ['maria.garcialopez@stmarys-health.org'], organization: "St. Mary's Health" }),
      person(8, { prefix: 'Dr.', given: 'Siobhán', family: "O'Connor", credentials: ['MD'], specialty: 'Obstetrics and Gynecology', emails: ['siobhan.oconnor@stmarys-health.org'], organization: "St. Mary's Health" }),
      person(9, { prefix: 'Dr.', given: 'Alan', family: 'Brooks', credentials: ['MD'], specialty: 'Interventional Cardiology', emails: ['alan.brooks@lakesidecardio.com'], phones: ['+17815550151'], organization: 'Lakeside Cardiology', kind: 'partner' }),
      person(10, { given: 'Jonathan', family: 'Pryce', credentials: ['LCSW'], specialty: 'Behavioral Health', emails: ['jon.pryce@gmail.com'], organization: "St. Mary's Health" }),
    ],
  };
}

/** NPPES rows: the directory's clinicians, a few providers elsewhere, two practices and a deactivated NPI. */
export function demoNppesCsv(): string {
  const rows = [nppesCsvHeader()];
  const ind = (npi: string, first: string, last: string, cred: string, phone: string, deactivated = '') =>
    rows.push(nppesCsvLine({ NPI: npi, 'Entity Type Code': '1', 'Provider First Name': first, 'Provider Last Name (Legal Name)': last, 'Provider Credential Text': cred, 'Provider Business Practice Location Address Telephone Number': phone, 'NPI Deactivation Date': deactivated }));
  const org = (npi: string, legal: string, other: string, phone: string) =>
    rows.push(nppesCsvLine({ NPI: npi, 'Entity Type Code': '2', 'Provider Organization Name (Legal Business Name)': legal, 'Provider Other Organization Name': other, 'Provider Business Practice Location Address Telephone Number': phone }));
  ind(fakeNpi(1), 'ELIZABETH', 'CARTER', 'M.D.', '6175550111');
  ind(fakeNpi(9), 'ALAN', 'BROOKS', 'M.D.', '7815550151');
  ind(fakeNpi(50), 'HELEN', 'MARSH', 'M.D.', '4135550170');
  ind(fakeNpi(51), 'VIKRAM', 'DESAI', 'M.D.', '5085550171');
  ind(fakeNpi(52), 'GRETA', 'HOLLOWAY', 'M.D.', '5085550179', '03/02/2020');
  org(fakeNpi(60), 'RIVERBEND PEDIATRICS LLC', '', '4135550180');
  org(fakeNpi(61), 'LAKESIDE CARDIOLOGY ASSOCIATES PC', 'LAKESIDE CARDIOLOGY', '7815550150');
  return rows.join('\r\n') + '\r\n';
}

let withNppes: Directory | undefined;
let withoutNppes: Directory | undefined;

/** The test directory; `nppes: true` adds an in-memory NPPES index built from demoNppesCsv(). */
export function demoDirectory(opts: { nppes?: boolean } = {}): Directory {
  if (!opts.nppes) return (withoutNppes ??= new MemoryDirectory(demoDirectoryData()));
  if (!withNppes) {
    const dir = mkdtempSync(join(tmpdir(), 'medshield-nppes-'));
    try {
      const file = join(dir, 'npidata.csv');
      writeFileSync(file, demoNppesCsv());
      withNppes = new MemoryDirectory(demoDirectoryData(), loadNppesInMemory([file]).index);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return withNppes;
}
