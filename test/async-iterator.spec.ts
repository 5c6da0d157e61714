/**
 * `for await` over a socket whose engine delivers a burst synchronously (the
 * in-memory model, like the zmtp engine): breaking out of the loop must not
 * lose the messages read ahead.
 *
 *   PUSH --(5 messages in one burst)--> PULL; for await takes 3, breaks; the next subscriber gets 4 and 5
 */
import { MemoryNetwork } from '../src/testing';
import { take$ } from './helpers';

describe('async iteration over a synchronous engine', () => {
  it('for await - messages read ahead are kept for the next subscriber after break', async () => {
    const net = new MemoryNetwork();
    try {
      const out = net.push({ bind: 'inproc://burst' });
      const inp = net.pull({ connect: 'inproc://burst' });
      for (let i = 0; i < 5; i++) out.next(String(i));
      const seen: string[] = [];
      for await (const [m] of inp) {
        seen.push(m!.toString());
        if (seen.length === 3) break;
      }
      expect(seen).toEqual(['0', '1', '2']);
      expect(await take$(inp, 2, 2000)).toEqual([['3'], ['4']]);
    } finally {
      await net.close();
    }
  });
});
