/**
 * Imports an NPPES file into a fresh store and prints the time, rows per second and peak
 * RSS; then times a few name lookups against the index.
 *
 *   node --import tsx scripts/gen-nppes.ts            # writes /tmp/npidata_pfile_synthetic.csv (1,000,000 rows)
 *   node --import tsx scripts/bench-nppes.ts [FILE]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/store/database.ts';
import { importNppesFiles } from '../src/directory/nppes-import.ts';
import { SqliteNppesIndex } from '../src/directory/nppes-index.ts';

const file = process.argv[2] ?? '/tmp/npidata_pfile_synthetic.csv';
const dir = mkdtempSync(join(tmpdir(), 'medshield-bench-nppes-'));
const dbPath = join(dir, 'store.db');
try {
  const db = openDatabase(dbPath);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const s = await importNppesFiles(db, [file]);
  const secs = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

  db.pragma('wal_checkpoint(TRUNCATE)');
  const index = new SqliteNppesIndex(db);
  // Hits (a common name, a nickname of a legal name, an initial, a family name alone) and a miss (an invented clinician).
  const hits: [string, string][] = [['JAMES', 'SMITH'], ['Liz', 'Patel'], ['M.', 'Garcia'], ['', 'Nguyen']];
  const reps = 2000;
  const time = (names: [string, string][]) => {
    const t = performance.now();
    for (let i = 0; i < reps; i++) for (const [g, f] of names) index.findIndividuals(g, f);
    return ((performance.now() - t) * 1000) / (reps * names.length);
  };
  const hitUs = time(hits);
  const missUs = time([['Victor', 'Stanfield']]);

  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
  process.stdout.write(
    [
      `file            ${file} (${mb(statSync(file).size)})`,
      `rows            ${s.rows.toLocaleString('en-US')} (${s.individuals.toLocaleString('en-US')} individuals, ${s.organizations.toLocaleString('en-US')} organizations, ${s.deactivated.toLocaleString('en-US')} deactivated, ${s.skipped} bad)`,
      `import time     ${secs.toFixed(1)} s (${Math.round(s.rows / secs).toLocaleString('en-US')} rows/s)`,
      `peak RSS        ${mb(maxRss)}`,
      `store size      ${mb(statSync(dbPath).size)}`,
      `name lookup     ${hitUs.toFixed(0)} µs mean for names on file, ${missUs.toFixed(0)} µs for a name that is not`,
      '',
    ].join('\n'),
  );
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
