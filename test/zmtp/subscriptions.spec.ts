/**
 * The topic filter of the zmtp engine's SUB and PUB (a byte trie under a
 * count per topic): after any sequence of subscriptions and cancellations
 * it matches exactly the frames a plain list of the live topics matches by
 * prefix, counts repeats as libzmq does (SUB) or not (PUB's per-peer set),
 * and forgets what was cancelled.
 */
import fc from 'fast-check';
import { Subscriptions } from '../../src/engine/zmtp/routing/subscriptions';
import { TopicTrie } from '../../src/engine/topic-trie';

/** Short topics over a small alphabet, so prefixes of one another and repeats are common. */
const topic = fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes.map((b) => b % 3)));
const change = fc.record({ add: fc.boolean(), topic });

/** What a filter should say: the live topics with their counts, matched by a scan. */
class Model {
  readonly counts = new Map<string, number>();
  constructor(private readonly counted: boolean) {}
  add(t: Buffer): boolean {
    const key = t.toString('hex');
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, this.counted ? n + 1 : 1);
    return n === 0;
  }
  remove(t: Buffer): boolean {
    const key = t.toString('hex');
    const n = this.counts.get(key) ?? 0;
    if (n === 0) return false;
    if (n > 1) this.counts.set(key, n - 1);
    else this.counts.delete(key);
    return n === 1;
  }
  matches(frame: Buffer): boolean {
    return [...this.counts.keys()].some((key) => frame.subarray(0, key.length / 2).toString('hex') === key);
  }
}

describe('zmtp topic filter', () => {
  it.each([
    ['counted (SUB)', true],
    ['a set (PUB, per peer)', false],
  ])('%s: agrees with a scan of the live topics after any changes', (_name, counted) => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), fc.array(topic, { minLength: 1, maxLength: 20 }), (changes, frames) => {
        const filter = new Subscriptions(counted);
        const model = new Model(counted);
        for (const { add, topic: t } of changes) {
          expect(add ? filter.add(t) : filter.remove(t)).toBe(add ? model.add(t) : model.remove(t));
        }
        for (const frame of [...frames, ...changes.map((c) => c.topic)]) {
          expect(filter.matches(frame)).toBe(model.matches(frame));
        }
        const listed = filter.list().map((t) => t.toString('hex')).sort();
        expect(listed).toEqual([...model.counts.keys()].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('a trie holds one node per distinct prefix of its live topics, whatever was inserted and deleted before', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), (changes) => {
        const trie = new TopicTrie();
        const live = new Set<string>();
        for (const { add, topic: t } of changes) {
          if (add) trie.insert(t);
          else trie.delete(t);
          if (add) live.add(t.toString('hex'));
          else live.delete(t.toString('hex'));
        }
        const prefixes = new Set<string>();
        for (const key of live) for (let n = 2; n <= key.length; n += 2) prefixes.add(key.slice(0, n));
        expect(trie.nodes).toBe(prefixes.size);
      }),
      { numRuns: 300 },
    );
  });

  it('matches nothing when empty, everything with the empty topic, and no message without a first frame but for it', () => {
    const filter = new Subscriptions();
    expect(filter.matches(Buffer.from('a'))).toBe(false);
    expect(filter.matches(undefined)).toBe(false);
    filter.add(Buffer.from('ab'));
    expect(filter.matches(undefined)).toBe(false);
    expect(filter.matches(Buffer.from('a'))).toBe(false);
    expect(filter.matches(Buffer.from('abc'))).toBe(true);
    filter.add(Buffer.alloc(0));
    expect(filter.matches(undefined)).toBe(true);
    expect(filter.matches(Buffer.from('zzz'))).toBe(true);
  });

  it('keeps a topic its caller may reuse: the filter copies the bytes it is given', () => {
    const filter = new Subscriptions();
    const bytes = Buffer.from('abc');
    filter.add(bytes);
    bytes.write('xyz');
    expect(filter.matches(Buffer.from('abc!'))).toBe(true);
    expect(filter.matches(Buffer.from('xyz!'))).toBe(false);
  });

  it('a trie drops the nodes of a cancelled topic, and keeps those a longer or shorter topic still needs', () => {
    const trie = new TopicTrie();
    trie.insert(Buffer.from('ab'));
    trie.insert(Buffer.from('abcd'));
    trie.insert(Buffer.from('abcd'));
    expect(trie.nodes).toBe(4);
    trie.delete(Buffer.from('ab'));
    expect(trie.nodes).toBe(4);
    expect(trie.matches(Buffer.from('abc'))).toBe(false);
    expect(trie.matches(Buffer.from('abcde'))).toBe(true);
    trie.insert(Buffer.from('ab'));
    trie.delete(Buffer.from('abcd'));
    expect(trie.nodes).toBe(2);
    expect(trie.matches(Buffer.from('abx'))).toBe(true);
    trie.delete(Buffer.from('ab'));
    trie.delete(Buffer.from('never added'));
    expect(trie.matches(Buffer.from('abcd'))).toBe(false);
    expect(trie.nodes).toBe(0);
  });
});
