import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthChecks {
  /** /healthz: the process's state (queues, ports, role). Throwing answers 503. */
  status: () => Record<string, unknown>;
  /** /readyz: whether this process can do its work now (store reachable, queue connected). */
  ready?: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** /metrics: Prometheus exposition of this process's role. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

/**
 * The HTTP endpoint of a process without the console (roles smtp, scanner, delivery):
 * GET /healthz (alive, with its state), /readyz (for load balancers: 503 until the store and
 * queue answer) and /metrics (Prometheus).
 */
export class HealthServer {
  private readonly server: Server;

  constructor(checks: HealthChecks | (() => Record<string, unknown>)) {
    const c: HealthChecks = typeof checks === 'function' ? { status: checks } : checks;
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const json = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'GET') return json(405, { error: 'method not allowed' });
      if (path === '/healthz') {
        try {
          return json(200, { status: 'ok', ...c.status() });
        } catch (err) {
          return json(503, { status: 'error', error: (err as Error).message });
        }
      }
      if (path === '/readyz' && c.ready) {
        c.ready().then(
          (r) => json(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks }),
          (err: Error) => json(503, { status: 'not ready', error: err.message }),
        );
        return;
      }
      if (path === '/metrics' && c.metrics) {
        c.metrics().then(
          (m) => {
            res.writeHead(200, { 'content-type': m.contentType, 'cache-control': 'no-store' });
            res.end(m.body);
          },
          (err: Error) => json(500, { error: err.message }),
        );
        return;
      }
      json(404, { error: 'not found', see: ['/healthz', ...(c.ready ? ['/readyz'] : []), ...(c.metrics ? ['/metrics'] : [])] });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err) => reject(new Error(`cannot listen on ${host}:${port} (http): ${err.message}`)));
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
