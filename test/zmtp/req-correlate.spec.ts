/**
 * REQ `correlate` (ZMQ_REQ_CORRELATE) on both engines side by side: each
 * request carries a 4-byte id before its delimiter, counting up, and with
 * `relaxed` only the reply to the last request is taken; without
 * `correlate` a late reply to an abandoned request passes for the answer.
 */
import { req, router, type Engine, type Message } from '../../src';
import { Closer, delay, engineList, waitFor } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

/** A ROUTER and a relaxed REQ connected to it; the ROUTER keeps every request it gets. */
async function pair(engine: Engine, correlate: boolean) {
  const server = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
  await server.ready;
  const requests: Message[] = [];
  server.subscribe((msg) => requests.push(msg));
  const client = closer.add(req({ engine, connect: server.bindings[0]!, relaxed: true, correlate, linger: 0 }));
  const replies: string[] = [];
  client.subscribe((msg) => replies.push(msg.map(String).join('|')));
  return { server, client, requests, replies };
}

/** Sends 'a' and then 'b' before any reply; answers 'a' late, then 'b'; returns what the REQ took. */
async function abandoned(engine: Engine, correlate: boolean): Promise<string[]> {
  const { server, client, requests, replies } = await pair(engine, correlate);
  await client.send('a');
  await client.send('b');
  await waitFor(() => requests.length === 2, 5000, 'both requests');
  const envelope = (msg: Message) => msg.slice(0, msg.length - 1);
  server.next([...envelope(requests[0]!), Buffer.from('A')]);
  await delay(50);
  server.next([...envelope(requests[1]!), Buffer.from('B')]);
  await delay(100);
  return replies;
}

describe.each(engineList)('REQ correlate (%s engine)', (_name, engine) => {
  it('puts a 4-byte request id, counting up, before the delimiter', async () => {
    const { client, requests } = await pair(engine, true);
    await client.send('c');
    await client.send('d');
    await waitFor(() => requests.length === 2, 5000, 'both requests');
    const [c, d] = requests as [Message, Message];
    expect([c.length, c[1]!.length, c[2]!.length, c[3]!.toString()]).toEqual([4, 4, 0, 'c']);
    expect(Buffer.from(d[1]!).readUInt32LE(0)).toBe((Buffer.from(c[1]!).readUInt32LE(0) + 1) >>> 0);
  });

  it('with relaxed, takes only the reply to the last request', async () => {
    expect(await abandoned(engine, true)).toEqual(['B']);
  });

  it('without correlate, a late reply from the same peer passes for the answer', async () => {
    expect(await abandoned(engine, false)).toEqual(['A']);
  });
});
