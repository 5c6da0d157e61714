/** One byte of a topic: where longer topics go on, and whether a topic ends here. */
interface TrieNode {
  end: boolean;
  children: Map<number, TrieNode> | undefined;
}

const node = (): TrieNode => ({ end: false, children: undefined });

/**
 * The distinct topic prefixes of a filter as a byte trie, as libzmq keeps
 * them: whether some topic is a prefix of a message's first frame takes one
 * step per byte of that frame, at most, however many topics there are (a
 * linear scan made a SUB of 1000 topics and its PUB an order of magnitude
 * slower than libzmq). Counting how often a topic was added is the caller's business.
 */
export class TopicTrie {
  private readonly root = node();
  private count = 0;

  /** Nodes below the root: what the trie holds, one per distinct byte of a prefix. */
  get nodes(): number {
    return this.count;
  }

  /** Marks `topic` as one of the prefixes. */
  insert(topic: Buffer): void {
    let at = this.root;
    for (let i = 0; i < topic.length; i++) {
      const children = (at.children ??= new Map());
      let next = children.get(topic[i]!);
      if (!next) {
        children.set(topic[i]!, (next = node()));
        this.count++;
      }
      at = next;
    }
    at.end = true;
  }

  /** Unmarks `topic`, and drops the nodes no other topic needs. */
  delete(topic: Buffer): void {
    const path: TrieNode[] = [this.root];
    for (let i = 0; i < topic.length; i++) {
      const next = path[i]!.children?.get(topic[i]!);
      if (!next) return;
      path.push(next);
    }
    path[topic.length]!.end = false;
    for (let i = topic.length; i > 0; i--) {
      const at = path[i]!;
      if (at.end || (at.children && at.children.size > 0)) return;
      path[i - 1]!.children!.delete(topic[i - 1]!);
      this.count--;
    }
  }

  /** True when some topic is a prefix of `frame` (the empty topic of every frame). */
  matches(frame: Buffer): boolean {
    let at = this.root;
    if (at.end) return true;
    for (let i = 0; i < frame.length; i++) {
      const next = at.children?.get(frame[i]!);
      if (next === undefined) return false;
      if (next.end) return true;
      at = next;
    }
    return false;
  }
}
