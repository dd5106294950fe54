import type { MedshieldConfig } from '../config/schema.ts';
import type { ScanOptions } from '../engine/engine.ts';
import type { Envelope, Verdict } from '../engine/verdict.ts';
import type { ScanPool } from '../engine/worker-pool.ts';
import type { Scanner } from './gateway.ts';

interface Generation {
  pool: ScanPool;
  inFlight: number;
  retiring: boolean;
  closed: Promise<void> | null;
}

/**
 * The gateway's scanner when settings can change while it runs (thresholds, domains, the
 * brand pack or the directory saved from the console). Workers load their configuration
 * once, so a change starts a new pool; new scans go to it as soon as it is ready, and the
 * old pool finishes the scans it has before it is closed. A pool that fails to start
 * (a bad brand pack file, say) leaves the running one in place.
 */
export class ReloadableScanner implements Scanner {
  private current: Generation;
  private readonly retired = new Set<Generation>();
  private reloading: Promise<unknown> = Promise.resolve();

  constructor(
    initial: ScanPool,
    private readonly makePool: (config: MedshieldConfig) => ScanPool,
    /** A pool whose workers are not all ready by then is given up (a worker that cannot load is respawned forever). */
    private readonly readyTimeoutMs = 120_000,
  ) {
    this.current = { pool: initial, inFlight: 0, retiring: false, closed: null };
  }

  async scan(raw: Buffer, envelope: Envelope, options?: ScanOptions): Promise<Verdict> {
    const gen = this.current;
    gen.inFlight++;
    try {
      return await gen.pool.scan(raw, envelope, options);
    } finally {
      gen.inFlight--;
      if (gen.retiring && gen.inFlight === 0) this.closeGeneration(gen);
    }
  }

  /** Starts a pool with `config` and switches to it once every worker is ready; one reload at a time. */
  reload(config: MedshieldConfig): Promise<void> {
    const next = this.reloading.then(async () => {
      const pool = this.makePool(config);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          pool.ready(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`the scanner did not start within ${Math.round(this.readyTimeoutMs / 1000)} s with the new settings`)), this.readyTimeoutMs);
          }),
        ]);
      } catch (err) {
        await pool.close();
        throw err;
      } finally {
        clearTimeout(timer);
      }
      const old = this.current;
      this.current = { pool, inFlight: 0, retiring: false, closed: null };
      old.retiring = true;
      this.retired.add(old);
      if (old.inFlight === 0) this.closeGeneration(old);
    });
    this.reloading = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    await this.reloading;
    await Promise.all([...this.retired].map((g) => this.closeGeneration(g)));
    await this.current.pool.close();
  }

  private closeGeneration(g: Generation): Promise<void> {
    g.closed ??= g.pool.close().finally(() => this.retired.delete(g));
    return g.closed;
  }
}
