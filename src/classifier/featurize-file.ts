import { readFile } from 'node:fs/promises';
import { parseMessage } from '../parse/parse.ts';
import { extractFeatures, type FeatureSpec } from './features.ts';

export type FeaturizeResult =
  | { path: string; indices: Uint32Array; values: Float32Array }
  | { path: string; error: string };

/** One file → its hashed feature vector, or why it could not be parsed. */
export async function featurizeFile(path: string, spec: FeatureSpec): Promise<FeaturizeResult> {
  try {
    const msg = await parseMessage(await readFile(path));
    const x = extractFeatures(msg, spec);
    return { path, indices: x.indices, values: x.values };
  } catch (err) {
    return { path, error: (err as Error)?.message ?? String(err) };
  }
}
