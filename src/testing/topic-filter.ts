import type { Frame } from '../engine';

/**
 * A subscriber's topic prefixes, counted as libzmq counts them (subscribing
 * twice needs two unsubscribes), matched against a message's first frame.
 */
export class TopicFilter {
  private readonly topics = new Map<string, { bytes: Buffer; count: number }>();

  /** Adds one subscription to `topic`; true when it is new. */
  add(topic: Frame): boolean {
    const bytes = Buffer.from(topic);
    const key = bytes.toString('hex');
    const entry = this.topics.get(key);
    if (entry) entry.count++;
    else this.topics.set(key, { bytes, count: 1 });
    return !entry;
  }

  /** Removes one subscription to `topic`; true when it was the last. */
  remove(topic: Frame): boolean {
    const key = Buffer.from(topic).toString('hex');
    const entry = this.topics.get(key);
    if (!entry) return false;
    if (--entry.count > 0) return false;
    this.topics.delete(key);
    return true;
  }

  /** The distinct topics subscribed. */
  list(): Buffer[] {
    return [...this.topics.values()].map((entry) => entry.bytes);
  }

  /** True when some subscribed topic is a prefix of `frame`. */
  matches(frame: Buffer | undefined): boolean {
    const first = frame ?? Buffer.alloc(0);
    for (const { bytes } of this.topics.values()) {
      if (bytes.length <= first.length && first.compare(bytes, 0, bytes.length, 0, bytes.length) === 0) return true;
    }
    return false;
  }
}
