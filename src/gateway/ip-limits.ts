/**
 * Per-client-IP admission: how many connections one address may hold open at once, and how
 * many messages it may start per minute. A mail bomb or a compromised host on the network
 * then slows down only itself; everyone else keeps getting through.
 */
export class IpLimits {
  private readonly open = new Map<string, number>();
  private readonly starts = new Map<string, number[]>();

  constructor(
    private readonly maxConnectionsPerIp: number,
    private readonly messagesPerMinutePerIp: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a connection; false when the address already has its maximum open. */
  connect(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (n >= this.maxConnectionsPerIp) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  disconnect(ip: string): void {
    const n = (this.open.get(ip) ?? 0) - 1;
    if (n > 0) this.open.set(ip, n);
    else this.open.delete(ip);
  }

  /** Counts a new message (MAIL FROM); false when the address is over its rate. */
  startMessage(ip: string): boolean {
    const t = this.now();
    const window = (this.starts.get(ip) ?? []).filter((s) => t - s < 60_000);
    if (window.length >= this.messagesPerMinutePerIp) {
      this.starts.set(ip, window);
      return false;
    }
    window.push(t);
    this.starts.set(ip, window);
    return true;
  }

  /** Forgets idle addresses so the table does not grow without bound. */
  sweep(): void {
    const t = this.now();
    for (const [ip, list] of this.starts) {
      const kept = list.filter((s) => t - s < 60_000);
      if (kept.length) this.starts.set(ip, kept);
      else this.starts.delete(ip);
    }
  }
}
