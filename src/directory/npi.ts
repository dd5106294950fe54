/**
 * The NPI check digit: Luhn over the 9-digit identifier prefixed with 80840 (the ISO
 * 7812 issuer prefix for US health applications), as CMS specifies it. A Luhn
 * computation of this size is not worth a dependency.
 */

function luhnSum(digits: string): number {
  let sum = 0;
  // Double every second digit from the right, the check digit excluded (so the last one is doubled).
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** The check digit for a 9-digit NPI base. */
export function npiCheckDigit(base9: string): number {
  if (!/^\d{9}$/.test(base9)) throw new RangeError(`an NPI base is 9 digits, not '${base9}'`);
  return (10 - (luhnSum(`80840${base9}`) % 10)) % 10;
}

/** True for a 10-digit NPI whose last digit is its check digit. */
export function isValidNpi(npi: string): boolean {
  return /^\d{10}$/.test(npi) && npiCheckDigit(npi.slice(0, 9)) === npi.charCodeAt(9) - 48;
}

/** Why an NPI is not valid, or '' when it is. */
export function npiProblem(npi: string): string {
  if (!/^\d{10}$/.test(npi)) return `NPI '${npi}' is not 10 digits`;
  if (!isValidNpi(npi)) return `NPI ${npi} fails its check digit (expected ${npiCheckDigit(npi.slice(0, 9))})`;
  return '';
}
