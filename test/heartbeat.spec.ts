import { NEVER, type Subscription } from 'rxjs';
import { dealer, router, type Message } from '../src';
import { HEARTBEAT, heartbeat, type PeerLiveness } from '../src/operators/heartbeat';
import { Closer, waitFor } from './helpers';

/*
 * A DEALER that sends nothing but heartbeats, and a ROUTER that watches it:
 *
 *   NEVER -> hbD.outgoing() -> DEALER 'hb-dealer'
 *                                  |  [heartbeat] after 20 ms idle, again every 20 ms
 *                                  v
 *                               ROUTER -> hbR.incoming() (per peer) -> the stream, heartbeats stripped
 *                                              `-> hbR.peers$: alive, then dead once the DEALER closes
 */
const closer = new Closer();
const subscriptions: Subscription[] = [];
afterEach(async () => {
  subscriptions.splice(0).forEach((s) => s.unsubscribe());
  await closer.closeAll();
});

const strings = (msgs: Message[]): string[][] => msgs.map((m) => m.map(String));
const liveness = (events: PeerLiveness[]): string[] => events.map((e) => `${e.peer} ${e.alive ? 'alive' : 'dead'}`);

describe('heartbeat - dealer to router over tcp', () => {
  it('should report the dealer alive, strip its heartbeats, and report it dead after it closes', async () => {
    const server = closer.add(router({ bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    const hbR = heartbeat({ interval: 20, timeout: 150, perPeer: true });
    const events: PeerLiveness[] = [];
    const raw: Message[] = [];
    const stripped: Message[] = [];
    subscriptions.push(
      hbR.peers$.subscribe((e) => events.push(e)),
      server.subscribe((m) => raw.push(m)),
      server.pipe(hbR.incoming()).subscribe((m) => stripped.push(m)),
    );

    const client = closer.add(dealer({ connect: server.bindings[0], routingId: 'hb-dealer', linger: 0 }));
    const beats = NEVER.pipe(heartbeat(20).outgoing()).subscribe(client);
    subscriptions.push(beats);

    await waitFor(() => events.length > 0, 1000, 'the dealer reported alive');
    client.next('hello');
    const isBeat = (m: Message) => m.length === 2 && m[1].equals(HEARTBEAT);
    await waitFor(() => raw.filter(isBeat).length >= 2 && stripped.length > 0, 1000, 'two heartbeats and hello');
    expect(strings(stripped)).toEqual([['hb-dealer', 'hello']]);

    beats.unsubscribe();
    await client.close();
    const closedAt = Date.now();
    await waitFor(() => events.length > 1, 1000, 'the dealer reported dead');
    // The last heartbeat left at most 20 ms before the close, so death takes at least 130 of the 150 ms.
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(100);
    expect(liveness(events)).toEqual(['hb-dealer alive', 'hb-dealer dead']);
  });
});

describe('heartbeat - config', () => {
  it.each([0, -1, NaN, Infinity, 2 ** 31])('should throw a TypeError for interval %p', (interval) => {
    expect(() => heartbeat(interval)).toThrow(TypeError);
    expect(() => heartbeat({ interval })).toThrow(TypeError);
  });

  it.each([0, -5, NaN, Infinity])('should throw a TypeError for timeout %p', (timeout) => {
    expect(() => heartbeat({ interval: 10, timeout })).toThrow(TypeError);
  });

  it('should throw a TypeError for a config that is neither an object nor a number, or a message that is not a frame', () => {
    expect(() => heartbeat(null as never)).toThrow(TypeError);
    expect(() => heartbeat({ interval: 10, message: 42 as never })).toThrow(TypeError);
  });

  it('should accept a string or bytes as the heartbeat frame', () => {
    expect(() => heartbeat({ interval: 10, message: 'ping' })).not.toThrow();
    expect(() => heartbeat({ interval: 10, message: new Uint8Array([1, 2]) })).not.toThrow();
  });
});
