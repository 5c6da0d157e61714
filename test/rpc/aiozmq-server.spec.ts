/**
 * serveRpc with protocol 'aiozmq' against hostile input, from a raw DEALER:
 *
 *   raw DEALER --(malformed frames)--> serveRpc (ROUTER, aiozmq wire format)
 *   connectRpc({ protocol: 'aiozmq' }) keeps being served
 */
import { encode } from '@msgpack/msgpack';
import { Context, dealer, type Message } from '../../src';
import { connectRpc, serveRpc } from '../../src/rpc';
import { createHeaderPrefix, decodeReply, headerTime, packRequestHeader } from '../../src/rpc/aiozmq';
import { waitFor } from '../helpers';

describe('serveRpc protocol aiozmq - malformed requests', () => {
  let context: Context;
  beforeEach(() => (context = new Context()));
  afterEach(() => context.close());

  it('aiozmq server - answers what it can identify, drops the rest, counts both, and serves on', async () => {
    const service = await serveRpc({ add: (a: number, b: number) => a + b }, { bind: 'tcp://127.0.0.1:*', linger: 0, context, protocol: 'aiozmq' });
    const raw = dealer({ connect: service.endpoints[0]!, linger: 0, context });
    const replies: Message[] = [];
    raw.subscribe((msg) => replies.push(msg));
    const header = (requestId: number) => packRequestHeader({ ...createHeaderPrefix(), requestId, time: headerTime() });

    raw.next(['only', 'three', 'frames']); // no readable header: dropped
    raw.next([header(7), 'add', Buffer.from([0xc1]), encode({})]); // bad msgpack args: the header is readable
    raw.next([header(8), 'add', encode([1, 2]), Buffer.from([0x81, 0x01, 0xa1, 0x78])]); // kwargs {1: 'x'}: a non-string map key
    raw.next([header(9), 'add', encode([1, 2]), encode({})]); // a good one
    await waitFor(() => replies.length === 3, 2000, 'three replies');

    const decoded = replies.map((msg) => decodeReply(msg));
    expect(decoded.map((r) => r.requestId)).toEqual([7, 8, 9]);
    expect(decoded[0]!.isError && decoded[1]!.isError).toBe(true);
    expect(decoded[2]).toMatchObject({ isError: false, value: 3 });
    expect(service.stats.malformed).toBe(3);

    const client = await connectRpc<{ add(a: number, b: number): number }>({ connect: service.endpoints[0]!, linger: 0, context, protocol: 'aiozmq' });
    expect(await client.call.add(20, 22)).toBe(42);
  });
});
