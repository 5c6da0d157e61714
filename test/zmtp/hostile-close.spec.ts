/**
 * How the zmtp engine ends a connection from a peer that broke the
 * protocol (both found by socket fuzzing, now regression tests):
 *
 *   hostile peer (keeps its half open) --GET / HTTP--> zmtp PULL: the descriptor is destroyed, not half-closed
 *   hostile peer --one byte other than 0xFF--> zmtp PULL: refused at once, as libzmq decides on byte 0
 */
import { connect, type Socket } from 'node:net';
import { pull, type PullSocket } from '../../src';
import { Closer, waitFor } from '../helpers';
import { portOf } from './hostile-peer';

const closer = new Closer();
/** The raw connections a test opened, destroyed after it. */
const raw = new Set<Socket>();
afterEach(async () => {
  for (const socket of raw) socket.destroy();
  raw.clear();
  await closer.closeAll();
});

/** A zmtp PULL bound on loopback, with the types of its monitor events as they come, and its port. */
async function listeningPull(): Promise<{ target: PullSocket; events: string[]; port: number }> {
  const target = closer.add(pull({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', linger: 0 }));
  await target.ready;
  const events: string[] = [];
  target.events$.subscribe((e) => events.push(e.type));
  return { target, events, port: portOf(target.bindings[0]!) };
}

/**
 * A raw tcp connection that keeps its half open after the peer's FIN and
 * writes a byte every 20 ms (a closed descriptor on the other side answers
 * with a reset, so it learns of the close), and whether it has closed.
 */
async function halfOpenPeer(port: number) {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  raw.add(socket);
  const state = { ended: false, closed: false };
  const ticker = setInterval(() => socket.writable && socket.write(Buffer.from([0x41])), 20);
  socket.on('end', () => (state.ended = true));
  socket.on('close', () => {
    state.closed = true;
    clearInterval(ticker);
  });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, state };
}

describe('zmtp engine: closing on hostile peers', () => {
  it('a protocol error closes the connection for good, even when the peer keeps its half open', async () => {
    const { events, port } = await listeningPull();
    const { socket, state } = await halfOpenPeer(port);
    socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n')); // byte 0 is not 0xFF: not a ZMTP peer
    await waitFor(() => events.includes('disconnected'), 5000, 'the disconnected event');
    await waitFor(() => state.closed, 5000, 'the hostile connection to be closed');
  });

  it('a protocol error closes the connection even when the zmtp socket is closed right after', async () => {
    const { target, port } = await listeningPull();
    const { socket, state } = await halfOpenPeer(port);
    socket.write(Buffer.alloc(16, 0x41));
    await waitFor(() => state.ended, 5000, 'the zmtp side to end its half');
    await target.close();
    await waitFor(() => state.closed, 5000, 'the hostile connection to be closed');
  });

  it('one byte other than 0xFF is refused at once (the signature starts with 0xFF)', async () => {
    const { events, port } = await listeningPull();
    const socket = connect(port, '127.0.0.1');
    raw.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(Buffer.from([0x00]));
    await waitFor(() => events.includes('handshakeFailed'), 5000, 'handshakeFailed');
    await closed;
  });
});
