import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BeaconHit {
  method: string;
  url: string;
}

/**
 * A loopback HTTP server that hostile test mail points every remote reference at. A safe
 * preview makes it receive nothing; any hit is a load (or a navigation) that got through.
 */
export interface Beacon {
  url: string;
  hits: BeaconHit[];
  close(): Promise<void>;
}

export async function startBeacon(): Promise<Beacon> {
  const hits: BeaconHit[] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }).end('beacon');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
