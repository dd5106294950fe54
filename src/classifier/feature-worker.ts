import { parentPort } from 'node:worker_threads';
import type { FeatureSpec } from './features.ts';
import { featurizeFile, type FeaturizeResult } from './featurize-file.ts';

/** Parses and featurizes batches of files for the trainer, so parsing uses every core. */
const port = parentPort!;
port.on('message', async (m: { id: number; paths: string[]; spec: FeatureSpec }) => {
  const results: FeaturizeResult[] = [];
  for (const p of m.paths) results.push(await featurizeFile(p, m.spec));
  const transfer = results.flatMap((r) => ('indices' in r ? [r.indices.buffer, r.values.buffer] : []));
  port.postMessage({ id: m.id, results }, transfer as ArrayBuffer[]);
});
port.postMessage({ ready: true });
