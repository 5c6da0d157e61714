import { TopicTrie } from '../../topic-trie';

/**
 * Topic prefixes matched against a message's first frame. A SUB keeps its
 * own, counted as libzmq counts them (subscribing twice needs two
 * unsubscribes); a PUB keeps one per subscriber as a set, as libzmq's trie
 * does per pipe (one CANCEL ends a topic however often it was subscribed).
 */
export class Subscriptions {
  private readonly topics = new Map<string, { bytes: Buffer; count: number }>();
  /** The same topics, for matching. */
  private readonly trie = new TopicTrie();

  constructor(private readonly counted = true) {}

  /** Adds one subscription to `topic`; true when the topic is new. */
  add(topic: Buffer): boolean {
    const key = topic.toString('latin1');
    const entry = this.topics.get(key);
    if (entry && this.counted) entry.count++;
    else if (!entry) {
      const bytes = Buffer.from(topic);
      this.topics.set(key, { bytes, count: 1 });
      this.trie.insert(bytes);
    }
    return !entry;
  }

  /** Removes one subscription to `topic`; true when it was the last. */
  remove(topic: Buffer): boolean {
    const key = topic.toString('latin1');
    const entry = this.topics.get(key);
    if (!entry) return false;
    if (--entry.count > 0) return false;
    this.topics.delete(key);
    this.trie.delete(entry.bytes);
    return true;
  }

  /** The distinct topics. */
  list(): Buffer[] {
    return [...this.topics.values()].map((entry) => entry.bytes);
  }

  /** True when some topic is a prefix of `frame` (the empty topic matches all). */
  matches(frame: Buffer | undefined): boolean {
    return this.topics.size > 0 && this.trie.matches(frame ?? EMPTY);
  }
}

const EMPTY = Buffer.alloc(0);
