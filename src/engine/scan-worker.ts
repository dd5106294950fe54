import { parentPort, workerData } from 'node:worker_threads';
import type { MedshieldConfig } from '../config/schema.ts';
import { ScanEngine, type Envelope, type ScanOptions } from './engine.ts';
import { makeResolver, type ResolverSpec } from './resolver-spec.ts';

const data = workerData as {
  config: MedshieldConfig;
  resolver: ResolverSpec;
  analyzerOverrides: Record<string, Record<string, unknown>>;
};
const port = parentPort!;

try {
  const engine = new ScanEngine(data.config, { resolver: makeResolver(data.resolver), analyzerOverrides: data.analyzerOverrides });
  port.on('message', async (m: { type: 'scan'; id: number; raw: Uint8Array; envelope: Envelope; options?: ScanOptions }) => {
    const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
    const verdict = await engine.scan(raw, m.envelope, m.options ?? {});
    port.postMessage({ type: 'verdict', id: m.id, verdict });
  });
  port.postMessage({ type: 'ready' });
} catch (err) {
  port.postMessage({ type: 'init-error', message: (err as Error).message });
}
