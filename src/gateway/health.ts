import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal HTTP endpoint on the console's port until the console exists: GET /healthz
 * answers the gateway's state as JSON, for load balancers and `docker healthcheck`.
 */
export class HealthServer {
  private readonly server: Server;

  constructor(status: () => Record<string, unknown>) {
    this.server = createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/healthz' || req.url?.startsWith('/healthz?'))) {
        let body: string;
        try {
          body = JSON.stringify({ status: 'ok', ...status() });
        } catch (err) {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'error', error: (err as Error).message }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(body);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found', see: '/healthz' }));
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
