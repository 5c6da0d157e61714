/**
 * libzmq's source address on connect, `tcp://source:port;host:port`, on both
 * engines side by side: the connection leaves from that address (an IP, or a
 * network interface's name) and, when given, that port; `*` as the source,
 * is refused, and a bound endpoint ignores its source part. Observed from a plain TCP
 * server that records where each connection comes from.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dealer, pull } from '../../src';
import { Closer, engineList, waitFor } from '../helpers';

const closer = new Closer();
let server: Server | undefined;
afterEach(async () => {
  await closer.closeAll();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A TCP server on 127.0.0.1 that records each connection's remote address and port (and drops it). */
async function recorder(): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((socket) => {
    seen.push(`${socket.remoteAddress}:${socket.remotePort}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

/** A port on `host` that the OS handed out a moment ago (and that is free again). */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The loopback interface's name here ('lo' on Linux). */
const loopback = Object.entries(networkInterfaces()).find(([, entries]) =>
  entries?.some((entry) => entry.family === 'IPv4' && entry.address === '127.0.0.1'),
)?.[0];

describe.each(engineList)('source address on connect (%s engine)', (_name, engine) => {
  it('connects from the given address, any port', async () => {
    const { port, seen } = await recorder();
    closer.add(dealer({ engine, connect: `tcp://127.0.0.2:0;127.0.0.1:${port}`, reconnectInterval: 10_000, linger: 0 }));
    await waitFor(() => seen.length > 0, 5000, 'a connection');
    expect(seen[0]).toMatch(/^127\.0\.0\.2:\d+$/);
  });

  it('connects from the given address and port', async () => {
    const sourcePort = await freePort('127.0.0.4');
    const { port, seen } = await recorder();
    closer.add(dealer({ engine, connect: `tcp://127.0.0.4:${sourcePort};127.0.0.1:${port}`, reconnectInterval: 10_000, linger: 0 }));
    await waitFor(() => seen.length > 0, 5000, 'a connection');
    expect(seen[0]).toBe(`127.0.0.4:${sourcePort}`);
  });

  it('takes a network interface name as the source', async () => {
    const { port, seen } = await recorder();
    closer.add(dealer({ engine, connect: `tcp://${loopback}:0;127.0.0.1:${port}`, reconnectInterval: 10_000, linger: 0 }));
    await waitFor(() => seen.length > 0, 5000, 'a connection');
    expect(seen[0]).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('refuses * as the source', () => {
    const socket = closer.add(dealer({ engine, linger: 0 }));
    expect(() => socket.connect('tcp://*:0;127.0.0.1:5555')).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});

describe.each(engineList)('source address on bind (%s engine)', (_name, engine) => {
  it('is ignored: the endpoint after it is bound, as libzmq does', async () => {
    const socket = closer.add(pull({ engine, linger: 0 }));
    expect(await socket.bind('tcp://127.0.0.2:0;127.0.0.1:*')).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });
});
