import type { Directory, DirectoryOrganization } from './directory.ts';
import { foldName } from './names.ts';

/**
 * Whether a text names one of the directory's organisations ("St. Mary's", "Saint Marys
 * Health", "Lakeside Cardiology"). Text and names are compared in one plain form: folded,
 * lower-case, apostrophes dropped, "saint" written "st", every other run of non-letters one space.
 */

export function plainWords(s: string): string {
  return ` ${foldName(s)
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\bsaint\b/g, 'st')
    .trim()} `;
}

const cache = new WeakMap<Directory, { org: DirectoryOrganization; forms: string[] }[]>();

function forms(directory: Directory): { org: DirectoryOrganization; forms: string[] }[] {
  let f = cache.get(directory);
  if (!f) {
    f = directory.organizations().map((org) => ({
      org,
      // Names of one word ("Lakeside") say too little on their own; they count only with a second word.
      forms: [org.name, ...org.aliases].map(plainWords).filter((w) => w.trim().includes(' ')),
    }));
    cache.set(directory, f);
  }
  return f;
}

/** Organisations of the directory the text names, in directory order. */
export function organizationsNamed(directory: Directory, text: string, limit = 50_000): DirectoryOrganization[] {
  const plain = plainWords(text.length > limit ? text.slice(0, limit) : text);
  return forms(directory)
    .filter(({ forms }) => forms.some((f) => plain.includes(f)))
    .map(({ org }) => org);
}

/**
 * The distinctive part of an organisation's name ("st marys" of "St. Mary's Health"): a
 * practice name carrying it while being none of the organisation's names borrows its name.
 */
export function distinctiveName(org: DirectoryOrganization): string {
  const generic = new Set(['health', 'hospital', 'medical', 'center', 'centre', 'clinic', 'clinics', 'group', 'associates', 'care', 'healthcare', 'system', 'the', 'of', 'and', 'family', 'medicine', 'practice', 'physicians', 'partners']);
  return plainWords(org.name)
    .trim()
    .split(' ')
    .filter((w) => !generic.has(w))
    .join(' ');
}
