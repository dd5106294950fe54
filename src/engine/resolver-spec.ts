import { dnsFixtureResolver, offlineResolver, systemResolver, type DnsResolver } from '../authenticate/resolver.ts';

/**
 * How a process (or worker thread) should resolve DNS, in a form that crosses thread
 * boundaries: functions cannot be posted to a worker, this can.
 */
export type ResolverSpec =
  | { kind: 'system'; timeoutMs?: number }
  | { kind: 'offline' }
  | { kind: 'fixture'; records: Record<string, unknown> };

export function makeResolver(spec: ResolverSpec): DnsResolver {
  switch (spec.kind) {
    case 'system':
      return systemResolver({ timeoutMs: spec.timeoutMs });
    case 'offline':
      return offlineResolver();
    case 'fixture':
      return dnsFixtureResolver(spec.records as never);
  }
}
