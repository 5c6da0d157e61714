/**
 * `connectTimeout` (ZMQ_CONNECT_TIMEOUT) on both engines: a connect that
 * hangs is given up after that long and dialled again, where without the
 * option it stays pending for the system's SYN retries (minutes).
 *
 * A connect hangs on loopback when the listener's accept queue is full: a
 * child process listens with a backlog of 1 and is stopped (SIGSTOP), so it
 * never accepts; a few plain connections fill its queue, and the kernel then
 * drops every further SYN.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { dealer, type Engine, type SocketEvent } from '../../src';
import { Closer, delay, engineList, waitFor } from '../helpers';

const closer = new Closer();
const fillers: Socket[] = [];
let listener: ChildProcess | undefined;

afterEach(async () => {
  await closer.closeAll();
  for (const socket of fillers.splice(0)) socket.destroy();
  if (listener) {
    const child = listener;
    listener = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
});

const LISTENER = `
const server = require('node:net').createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(server.address().port));
`;

/** A loopback endpoint whose listener never accepts and whose accept queue is full. */
async function hangingEndpoint(): Promise<string> {
  const child = spawn(process.execPath, ['-e', LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] });
  listener = child;
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });
  child.kill('SIGSTOP');
  for (let i = 0; i < 4; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
  }
  await delay(100); // the kernel completes what fits in the queue
  return `tcp://127.0.0.1:${port}`;
}

/** Watches a DEALER's connection attempts to `endpoint`. */
function attempts(engine: Engine, endpoint: string, connectTimeout: number | undefined): SocketEvent[] {
  const socket = closer.add(
    dealer({ engine, linger: 0, reconnectInterval: 50, ...(connectTimeout === undefined ? {} : { connectTimeout }) }),
  );
  const seen: SocketEvent[] = [];
  socket.events$.subscribe((event) => {
    if (event.type === 'connectDelayed' || event.type === 'connectRetried' || event.type === 'connected') seen.push(event);
  });
  socket.connect(endpoint);
  return seen;
}

describe.each(engineList)('connectTimeout (%s engine)', (_name, engine) => {
  it('a hanging connect is given up after connectTimeout and dialled again', async () => {
    const endpoint = await hangingEndpoint();
    const seen = attempts(engine, endpoint, 150);
    await waitFor(() => seen.filter((e) => e.type === 'connectRetried').length >= 2, 8000, 'two retries');
    expect(seen.some((e) => e.type === 'connected')).toBe(false);
  });

  it('without connectTimeout the same connect stays pending: no retry', async () => {
    const endpoint = await hangingEndpoint();
    const seen = attempts(engine, endpoint, undefined);
    await delay(700);
    expect(seen.filter((e) => e.type === 'connectRetried')).toEqual([]);
    expect(seen.some((e) => e.type === 'connected')).toBe(false);
  });
});
