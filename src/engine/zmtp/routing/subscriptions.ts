/**
 * Topic prefixes matched against a message's first frame. A SUB keeps its
 * own, counted as libzmq counts them (subscribing twice needs two
 * unsubscribes); a PUB keeps one per subscriber as a set, as libzmq's trie
 * does per pipe (one CANCEL ends a topic however often it was subscribed).
 */
export class Subscriptions {
  private readonly topics = new Map<string, { bytes: Buffer; count: number }>();

  constructor(private readonly counted = true) {}

  /** Adds one subscription to `topic`; true when the topic is new. */
  add(topic: Buffer): boolean {
    const key = topic.toString('latin1');
    const entry = this.topics.get(key);
    if (entry && this.counted) entry.count++;
    else this.topics.set(key, { bytes: Buffer.from(topic), count: 1 });
    return !entry;
  }

  /** Removes one subscription to `topic`; true when it was the last. */
  remove(topic: Buffer): boolean {
    const key = topic.toString('latin1');
    const entry = this.topics.get(key);
    if (!entry) return false;
    if (--entry.count > 0) return false;
    this.topics.delete(key);
    return true;
  }

  /** The distinct topics. */
  list(): Buffer[] {
    return [...this.topics.values()].map((entry) => entry.bytes);
  }

  /** True when some topic is a prefix of `frame` (the empty topic matches all). */
  matches(frame: Buffer | undefined): boolean {
    const first = frame ?? EMPTY;
    for (const { bytes } of this.topics.values()) {
      if (bytes.length <= first.length && first.compare(bytes, 0, bytes.length, 0, bytes.length) === 0) return true;
    }
    return false;
  }
}

const EMPTY = Buffer.alloc(0);
