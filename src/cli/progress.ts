/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export class Progress {
  private last = 0;
  private readonly enabled: boolean;
  constructor(
    private readonly label: string,
    private total = 0,
  ) {
    this.enabled = Boolean(process.stderr.isTTY);
  }
  setTotal(n: number) {
    this.total = n;
  }
  tick(done: number) {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done !== this.total) return;
    this.last = now;
    const width = 30;
    const frac = this.total ? Math.min(1, done / this.total) : 0;
    const bar = this.total ? '█'.repeat(Math.round(frac * width)).padEnd(width, '░') : '';
    const count = this.total ? `${done}/${this.total}` : `${done}`;
    process.stderr.write(`\r${this.label} ${bar} ${count}\x1b[K`);
  }
  done() {
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }
}
