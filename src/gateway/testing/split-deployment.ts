import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NatsWorkQueue } from '../../queue/nats-queue.ts';
import type { Db } from '../../store/database.ts';
import { openPostgres } from '../../store/postgres.ts';
import { FakeRelay } from './fake-relay.ts';

const CHILD = new URL('./role-child.ts', import.meta.url).pathname;

export interface RoleProcess {
  role: string;
  proc: ChildProcess;
  ports: { smtp: number; http: number };
}

/**
 * A split deployment on loopback for the scale-out test and benchmark: a schema of its own in
 * PostgreSQL, a JetStream stream of its own, a relay sink, and `medshield serve --role …`
 * child processes (role-child.ts). `close()` stops them and removes the schema and stream.
 */
export class SplitDeployment {
  readonly schema = `split_${randomBytes(5).toString('hex')}`;
  readonly stream = `MEDSHIELD_SPLIT_${randomBytes(4).toString('hex').toUpperCase()}`;
  /** The test's own connection to the deployment's schema (counting, checking). */
  readonly admin: Db;
  readonly relay: FakeRelay;
  readonly procs: RoleProcess[] = [];
  private readonly dirs: string[] = [];

  private constructor(
    private readonly o: { pgUrl: string; natsUrl: string; scanner: 'scripted' | 'real'; env?: Record<string, string> },
    relay: FakeRelay,
  ) {
    this.admin = openPostgres({ url: o.pgUrl, schema: this.schema });
    this.relay = relay;
  }

  static async create(o: { pgUrl: string; natsUrl: string; scanner: 'scripted' | 'real'; env?: Record<string, string> }): Promise<SplitDeployment> {
    const relay = new FakeRelay(await FakeRelay.freePort());
    await relay.start();
    return new SplitDeployment(o, relay);
  }

  /** Starts one process; resolves once it serves. `MEDSHIELD_TEST_CPU_PROF_DIR` profiles each. */
  async start(role: string): Promise<RoleProcess> {
    const dir = mkdtempSync(join(tmpdir(), `medshield-${role}-`));
    this.dirs.push(dir);
    const env = {
      ...process.env,
      MEDSHIELD_KEY: Buffer.alloc(32, 7).toString('base64'),
      MEDSHIELD_DATABASE_URL: `${this.o.pgUrl}?options=${encodeURIComponent(`-csearch_path=${this.schema}`)}`,
      MEDSHIELD_DATABASE_SCHEMA_PER_PATH: '',
      MEDSHIELD_QUEUE_URL: this.o.natsUrl,
      MEDSHIELD_QUEUE_STREAM: this.stream,
      ...this.o.env,
    };
    const prof = process.env.MEDSHIELD_TEST_CPU_PROF_DIR;
    const profile = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${role}-${randomBytes(3).toString('hex')}.cpuprofile`] : [];
    const proc = spawn(process.execPath, [...profile, '--import', 'tsx', CHILD, role, dir, String(this.relay.port), this.o.scanner], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: proc.stdout! });
    const ports = await new Promise<RoleProcess['ports']>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`${role} exited early (${code})`)));
      lines.once('line', (l) => resolve(JSON.parse(l) as RoleProcess['ports']));
    });
    const p = { role, proc, ports };
    this.procs.push(p);
    return p;
  }

  static alive(p: RoleProcess): boolean {
    return p.proc.exitCode === null && !p.proc.signalCode;
  }

  async close(): Promise<void> {
    const running = this.procs.filter(SplitDeployment.alive);
    for (const p of running) p.proc.kill('SIGTERM');
    await Promise.all(running.map((p) => (SplitDeployment.alive(p) ? new Promise((r) => p.proc.once('exit', r)) : null)));
    await this.relay.stop();
    this.admin.exec(`DROP SCHEMA ${this.schema} CASCADE`);
    this.admin.close();
    const q = await NatsWorkQueue.connect({ url: this.o.natsUrl, stream: this.stream });
    await q.destroy();
    await q.close();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
