/**
 * `tcpAcceptFilter` (ZMQ_TCP_ACCEPT_FILTER) on both engines side by side: a
 * bound PULL takes connections only from the address or CIDR block named,
 * and reports each one it turns away (`acceptFailed`), as libzmq 4.3.5 does
 * (measured). The clients connect from chosen loopback addresses with
 * libzmq's `tcp://source:port;host:port`.
 */
import { pull, push, type Engine, type SocketEvent } from '../../src';
import { Closer, delay, engineList, waitFor } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

/** Which of the sources get a message through a PULL with `filter`, and the PULL's events. */
async function through(engine: Engine, filter: string, sources: readonly string[]) {
  const inbox = closer.add(pull({ engine, bind: 'tcp://127.0.0.1:*', tcpAcceptFilter: filter, linger: 0 }));
  await inbox.ready;
  const events: SocketEvent['type'][] = [];
  inbox.events$.subscribe((event) => events.push(event.type));
  const got = new Set<string>();
  inbox.subscribe(([m]) => got.add(m!.toString()));
  const port = inbox.bindings[0]!.slice(inbox.bindings[0]!.lastIndexOf(':') + 1);
  for (const source of sources) {
    const out = closer.add(push({ engine, connect: `tcp://${source}:0;127.0.0.1:${port}`, reconnectInterval: 50, linger: 0 }));
    out.next(source);
  }
  return { got, events };
}

describe.each(engineList)('tcpAcceptFilter (%s engine)', (_name, engine) => {
  it('an address lets only that address in, and each refusal is reported', async () => {
    const { got, events } = await through(engine, '127.0.0.1', ['127.0.0.1', '127.0.0.2']);
    await waitFor(() => got.has('127.0.0.1') && events.includes('acceptFailed'), 5000, 'the allowed message and a refusal');
    await delay(150);
    expect([...got]).toEqual(['127.0.0.1']);
  });

  it('a CIDR block lets its addresses in and no others', async () => {
    const { got } = await through(engine, '127.0.0.0/30', ['127.0.0.1', '127.0.0.2', '127.0.0.5']);
    await waitFor(() => got.size === 2, 5000, 'two messages');
    await delay(150);
    expect([...got].sort()).toEqual(['127.0.0.1', '127.0.0.2']);
  });
});

describe('tcpAcceptFilter (zmtp engine)', () => {
  it('refuses a filter that is no address or CIDR block', () => {
    for (const filter of ['nonsense', '127.0.0.1/33', '127.0.0.1/', '::1/129', '10.0.0.0/8/1']) {
      expect(() => pull({ engine: 'zmtp', tcpAcceptFilter: filter, linger: 0 })).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    }
  });
});
