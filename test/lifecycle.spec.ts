import { spawnSync } from 'node:child_process';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import {
  BindError,
  ClosedError,
  ConnectError,
  Context,
  dealer,
  pull,
  push,
  router,
  sub,
  type SocketEvent,
} from '../src';
import { Closer, engineList, take$, waitFor } from './helpers';

/*
 *   router (bound, tcp) <--- dealer (connected); endpoints change at run time
 */
const closer = new Closer();
afterEach(() => closer.closeAll());

describe.each(engineList)('lifecycle (engine %s)', (_name, engine) => {
  it('bind - should resolve the real endpoint of a * port and list it in bindings', async () => {
    const socket = closer.add(router({ engine, linger: 0 }));
    const endpoint = await socket.bind('tcp://127.0.0.1:*');
    expect(endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint).not.toMatch(/:\*$/);
    expect(socket.bindings).toEqual([endpoint]);
    await socket.unbind(endpoint);
    expect(socket.bindings).toEqual([]);
  });

  it('bind - a taken port should give a typed BindError on ready, the Observable and closed', async () => {
    const first = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await first.ready;
    const second = closer.add(router({ engine, bind: first.bindings[0], linger: 0 }));
    await expect(second.ready).rejects.toBeInstanceOf(BindError);
    await expect(second.ready).rejects.toMatchObject({ code: 'EADDRINUSE', endpoint: first.bindings[0] });
    await expect(firstValueFrom(second)).rejects.toBeInstanceOf(BindError);
    expect(await second.closed).toBeInstanceOf(BindError);
  });

  it('bind - a failure nobody awaits should not be an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const socket = router({ engine, bind: 'nonsense://x', linger: 0 });
    await socket.closed;
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('connect - a malformed endpoint should throw ConnectError', () => {
    const socket = closer.add(dealer({ engine, linger: 0 }));
    expect(() => socket.connect('tcp://no-port')).toThrow(ConnectError);
    expect(socket.connections).toEqual([]);
  });

  it('connect/disconnect at run time should update connections and traffic', async () => {
    const server = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    const client = closer.add(dealer({ engine, linger: 0 }));
    client.connect(server.bindings[0]);
    expect(client.connections).toEqual([server.bindings[0]]);
    const got = take$(server, 1);
    client.next('hi');
    expect((await got)[0][1]).toBe('hi');
    client.disconnect(server.bindings[0]);
    expect(client.connections).toEqual([]);
  });

  it('events$ - should report connect, accept, handshake and disconnect', async () => {
    const server = closer.add(router({ engine, linger: 0 }));
    const serverEvents: SocketEvent[] = [];
    server.events$.subscribe((e) => serverEvents.push(e));
    const endpoint = await server.bind('tcp://127.0.0.1:*');
    const client = closer.add(dealer({ engine, linger: 0 }));
    const clientEvents = firstValueFrom(
      client.events$.pipe(
        filter((e) => e.type === 'connected' || e.type === 'handshakeSucceeded'),
        take(2),
        toArray(),
      ),
    );
    client.connect(endpoint);
    expect((await clientEvents).map((e) => e.type).sort()).toEqual(['connected', 'handshakeSucceeded']);
    await waitFor(() => serverEvents.some((e) => e.type === 'accepted'), 5000, 'accepted');
    await client.close();
    await waitFor(() => serverEvents.some((e) => e.type === 'disconnected'), 5000, 'disconnected');
    expect(serverEvents[0]).toEqual({ type: 'listening', address: endpoint });
  });

  it('close - should complete every subscriber, and closing twice is harmless', async () => {
    const socket = pull({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 });
    await socket.ready;
    const completed = [0, 1].map(() => new Promise<void>((resolve) => socket.subscribe({ complete: resolve })));
    await socket.close();
    await socket.close();
    await Promise.all(completed);
    expect(socket.isClosed).toBe(true);
    expect(await socket.closed).toBeUndefined();
    await expect(socket.bind('tcp://127.0.0.1:*')).rejects.toBeInstanceOf(ClosedError);
    // A late subscriber completes at once.
    await expect(firstValueFrom(socket, { defaultValue: 'none' })).resolves.toBe('none');
  });

  it('close - await using should close the socket', async () => {
    let socket: ReturnType<typeof push> | undefined;
    {
      await using s = push({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 });
      socket = s;
      await s.ready;
    }
    expect(socket.isClosed).toBe(true);
  });

  it('Context - should close every socket it made', async () => {
    const context = new Context();
    const sockets = [
      push({ engine, context, bind: 'tcp://127.0.0.1:*', linger: 0 }),
      pull({ engine, context, linger: 0 }),
      sub({ engine, context, topics: [''], linger: 0 }),
    ];
    expect(context.size).toBe(3);
    await context.close();
    expect(sockets.every((s) => s.isClosed)).toBe(true);
    expect(context.size).toBe(0);
  });

  it('sub - topics can be added and removed after creation', async () => {
    const socket = closer.add(sub({ engine, topics: 'a', linger: 0 }));
    socket.addTopics('b', 'a');
    expect(socket.topics).toEqual(['a', 'b']);
    socket.removeTopics('a');
    expect(socket.topics).toEqual(['b']);
  });
});

it('a process that uses and closes every socket type exits by itself (no open handles)', () => {
  // The child runs the TypeScript sources through ts-node, exchanges messages,
  // closes everything and must exit on its own within the timeout.
  const script = `
    const rx = require('./src');
    (async () => {
      const out = rx.push({ bind: 'tcp://127.0.0.1:*' });
      await out.ready;
      const inp = rx.pull({ connect: out.bindings[0] });
      const got = new Promise((resolve) => inp.subscribe(resolve));
      out.next('x');
      await got;
      const others = ['pub', 'sub', 'xpub', 'xsub', 'req', 'rep', 'dealer', 'router', 'pair']
        .map((type) => rx[type]({ bind: 'tcp://127.0.0.1:*' }));
      others[3].events$.subscribe();
      await Promise.all(others.map((s) => s.ready));
      out.complete();
      await out.closed;
      await rx.defaultContext.close();
      console.log('closed', rx.defaultContext.size);
    })();
  `;
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: `${__dirname}/..`,
    timeout: 15_000,
    encoding: 'utf8',
  });
  expect(child.error).toBeUndefined();
  expect(child.stdout.trim()).toBe('closed 0');
  expect(child.status).toBe(0);
});
