import { parentPort } from 'node:worker_threads';
import { messageFacts, type FactsRequest } from './message-facts.ts';

/** One job at a time: the pool kills this thread when a job overruns, which is the bound on work. */
const port = parentPort!;
port.on('message', async (m: { id: number; raw: Uint8Array; req: FactsRequest }) => {
  try {
    const facts = await messageFacts(Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength), m.req);
    port.postMessage({ id: m.id, facts });
  } catch (err) {
    port.postMessage({ id: m.id, error: (err as Error).message || String(err) });
  }
});
port.postMessage({ ready: true });
