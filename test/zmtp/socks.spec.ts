/**
 * `socksProxy` (ZMQ_SOCKS_PROXY): tcp connections through a SOCKS5 proxy
 * (test/zmtp/socks-server.ts, a real one of ~100 lines), on both engines
 * side by side, each talking to a server on the other engine. libzmq is
 * the reference: an IPv4 address goes to the proxy as an address, a host
 * name unresolved, and a proxy that refuses makes the connection fail and
 * be dialled again.
 */
import { createServer, type AddressInfo } from 'node:net';
import { dealer, router, type Engine, type Message, type SocketEvent } from '../../src';
import { Closer, delay, engineList, take$, waitFor } from '../helpers';
import { startSocksServer, type SocksServer } from './socks-server';

const closer = new Closer();
const proxies: SocksServer[] = [];
afterEach(async () => {
  await closer.closeAll();
  for (const proxy of proxies.splice(0)) await proxy.close();
});

async function proxy(options: { refuse?: boolean } = {}): Promise<SocksServer> {
  const server = await startSocksServer(options);
  proxies.push(server);
  return server;
}

const other = (engine: Engine): Engine => engineList.find(([, e]) => e !== engine)![1];

/** A ROUTER on the other engine, and a DEALER on `engine` connected to it through `via` at `host`. */
async function throughProxy(engine: Engine, via: SocksServer, host: string) {
  const back = closer.add(router({ engine: other(engine), bind: 'tcp://127.0.0.1:*', linger: 0 }));
  await back.ready;
  const port = back.bindings[0]!.slice(back.bindings[0]!.lastIndexOf(':') + 1);
  const front = closer.add(dealer({ engine, connect: `tcp://${host}:${port}`, socksProxy: via.address, linger: 0 }));
  return { back, front, port: Number(port) };
}

describe.each(engineList)('socksProxy (%s engine)', (_name, engine) => {
  it('connects through the proxy, asking it for the address as given, and messages flow both ways', async () => {
    const via = await proxy();
    const { back, front, port } = await throughProxy(engine, via, '127.0.0.1');
    const requests: Message[] = [];
    back.subscribe((msg) => requests.push(msg));
    front.next('through the proxy');
    await waitFor(() => requests.length === 1, 5000, 'the request');
    const [id, body] = requests[0]!;
    expect(body!.toString()).toBe('through the proxy');
    const reply = take$(front, 1);
    back.next([id!, 'and back']);
    expect(await reply).toEqual([['and back']]);
    expect(via.requests).toEqual([{ addressType: 1, host: '127.0.0.1', port }]);
  });

  it('hands a host name to the proxy unresolved', async () => {
    const via = await proxy();
    const { back, front, port } = await throughProxy(engine, via, 'localhost');
    const request = take$(back, 1);
    front.next('by name');
    expect((await request)[0]![1]).toBe('by name');
    expect(via.requests).toEqual([{ addressType: 3, host: 'localhost', port }]);
  });
});

describe('socksProxy refused (zmtp engine)', () => {
  // Not run on libzmq: a libzmq 4.3.5 socket whose proxy refuses aborts the whole process
  // ("Bad file descriptor", src/epoll.cpp:86), seen with this very proxy.
  it('a proxy that refuses: nothing is connected, and the connection is dialled again', async () => {
    const via = await proxy({ refuse: true });
    const back = closer.add(router({ engine: 'libzmq', bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await back.ready;
    const front = closer.add(dealer({ engine: 'zmtp', socksProxy: via.address, reconnectInterval: 20, linger: 0 }));
    const events: SocketEvent['type'][] = [];
    front.events$.subscribe((event) => events.push(event.type));
    const got: unknown[] = [];
    back.subscribe((msg) => got.push(msg));
    front.connect(back.bindings[0]!);
    front.next('never');
    await waitFor(() => via.requests.length >= 3, 5000, 'three attempts through the proxy');
    await delay(50);
    expect(got).toEqual([]);
    expect(events).not.toContain('handshakeSucceeded');
  });
});

describe('socksProxy on the zmtp engine: what the proxy is asked, and bad proxies', () => {
  it('an IPv6 target goes to the proxy as a 16-byte address', async () => {
    const via = await proxy({ refuse: true });
    closer.add(dealer({ engine: 'zmtp', connect: 'tcp://[::1]:5555', socksProxy: via.address, linger: 0 }));
    await waitFor(() => via.requests.length > 0, 5000, 'the CONNECT request');
    expect(via.requests[0]).toEqual({ addressType: 4, host: '0000:0000:0000:0000:0000:0000:0000:0001', port: 5555 });
  });

  it('a source address applies to the connection to the proxy', async () => {
    const via = await proxy({ refuse: true });
    closer.add(dealer({ engine: 'zmtp', connect: 'tcp://127.0.0.2:0;127.0.0.1:5555', socksProxy: via.address, linger: 0 }));
    await waitFor(() => via.clients.length > 0, 5000, 'a connection to the proxy');
    expect(via.clients[0]).toBe('127.0.0.2');
  });

  it('a proxy address that is not host:port is refused when the socket is made', () => {
    expect(() => dealer({ engine: 'zmtp', socksProxy: 'no-port', linger: 0 })).toThrow(
      expect.objectContaining({ code: 'EINVAL', message: expect.stringMatching(/socksProxy/) }),
    );
  });

  it('a proxy that hangs up mid-handshake fails the attempt, and the connection is dialled again', async () => {
    let attempts = 0;
    const rude = createServer((socket) => {
      attempts++;
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(Buffer.from([5, 0])));
    });
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = rude.address() as AddressInfo;
      closer.add(dealer({ engine: 'zmtp', connect: 'tcp://127.0.0.1:5555', socksProxy: `127.0.0.1:${port}`, reconnectInterval: 20, linger: 0 }));
      await waitFor(() => attempts >= 3, 5000, 'three attempts');
    } finally {
      rude.close();
    }
  });

  it('a proxy that answers garbage fails each attempt without harm, and the socket closes cleanly', async () => {
    let attempts = 0;
    const garbage = createServer((socket) => {
      attempts++;
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write(Buffer.from([5, 0, 9, 9, 9, 9, 9, 9, 9])));
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = garbage.address() as AddressInfo;
      const front = closer.add(
        dealer({ engine: 'zmtp', connect: 'tcp://127.0.0.1:5555', socksProxy: `127.0.0.1:${port}`, reconnectInterval: 20, linger: 0 }),
      );
      front.next('never');
      await waitFor(() => attempts >= 3, 5000, 'three attempts');
      await front.close();
    } finally {
      garbage.close();
    }
  });
});
