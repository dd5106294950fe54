import type { SenderProfile } from '../../analyzers/analyzer.ts';
import type { Envelope, Verdict } from '../../engine/verdict.ts';
import type { ProfileSink, QuarantineReason, QuarantineSink } from '../gateway.ts';

/** In-memory stand-ins for the quarantine and profile stores, for tests of the gateway alone. */
export class MemoryQuarantine implements QuarantineSink {
  readonly entries = new Map<string, { id: string; raw: Buffer; envelope: Envelope; verdict: Verdict; reason: QuarantineReason }>();
  add(i: { spoolId: string; raw: Buffer; envelope: Envelope; verdict: Verdict; reason: QuarantineReason; receivedAt: Date }): string {
    const existing = this.entries.get(i.spoolId);
    if (existing) return existing.id;
    const id = `q-${i.spoolId}`;
    this.entries.set(i.spoolId, { id, raw: i.raw, envelope: i.envelope, verdict: i.verdict, reason: i.reason });
    return id;
  }
}

export class MemoryProfiles implements ProfileSink {
  readonly inbound: { from: string; action: string }[] = [];
  readonly outbound: string[] = [];
  recordInbound(from: string, verdictAction: string): void {
    this.inbound.push({ from, action: verdictAction });
  }
  recordOutbound(to: string): void {
    this.outbound.push(to.toLowerCase());
  }
  lookup(fromAddress: string): SenderProfile {
    const a = fromAddress.toLowerCase();
    const domain = a.split('@').pop();
    return {
      messagesFromAddress: this.inbound.filter((x) => x.from === a).length,
      messagesFromDomain: this.inbound.filter((x) => x.from.split('@').pop() === domain).length,
      firstSeen: null,
      solicited: this.outbound.includes(a),
    };
  }
}
