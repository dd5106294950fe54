import type { IndexedMessage } from './message-index.ts';

export type FeedListener = (m: IndexedMessage) => void;

/**
 * Verdicts as the gateway reaches them, fanned out to the console's server-sent-event
 * streams. A slow or broken listener is dropped rather than allowed to hold up the others.
 */
export class LiveFeed {
  private readonly listeners = new Set<FeedListener>();
  private readonly recent: IndexedMessage[] = [];

  constructor(private readonly keep = 50) {}

  publish(messages: IndexedMessage[]): void {
    for (const m of messages) {
      this.recent.push(m);
      if (this.recent.length > this.keep) this.recent.shift();
      for (const l of [...this.listeners]) {
        try {
          l(m);
        } catch {
          this.listeners.delete(l);
        }
      }
    }
  }

  subscribe(l: FeedListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The last few verdicts, oldest first, so a new stream does not start empty. */
  backlog(): IndexedMessage[] {
    return [...this.recent];
  }

  get size(): number {
    return this.listeners.size;
  }
}
