/**
 * The ZMTP codec against real libzmq (zeromq.js), over raw Node sockets:
 * greetings, READY, messages, commands, byte for byte.
 *
 *   raw PUSH (codec) --tcp--> zeromq.js Pull (bound)
 *   zeromq.js Push (connects) --tcp--> net server, raw PULL (codec)
 *   raw PUSH <--PING/PONG--> zeromq.js Pull
 *   raw SUB (codec) --SUBSCRIBE/CANCEL--> zeromq.js XPublisher --> filtered messages
 *   zeromq.js Subscriber --> net server, raw PUB: SUBSCRIBE commands (3.1 peer), messages (3.0 peer)
 *   raw PUB --READY--> zeromq.js Pull: closed, no ERROR (incompatible types)
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import * as zmq from 'zeromq';
import {
  checkSignature,
  compatible,
  encodeCancel,
  encodeGreeting,
  encodeMessage,
  encodePing,
  encodeReady,
  encodeSubscribe,
  FrameParser,
  GREETING_SIZE,
  parseGreeting,
  parseMetadata,
  SIGNATURE_SIZE,
  type Greeting,
} from '../../src/engine/zmtp/codec';

const WAIT = 5000;

/** Resolves as `promise` does, or rejects after `ms`. */
function within<T>(promise: Promise<T>, what: string, ms = WAIT): Promise<T> {
  promise.catch(() => undefined); // a late rejection (socket closed) must not go unhandled
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A frame of `size` bytes whose content depends on `seed`. */
function payload(size: number, seed: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 7 + seed) & 0xff;
  return buf;
}

/** A ZMTP peer made of the codec and a raw Node socket, recording what it reads. */
class RawPeer {
  greeting: Greeting | undefined;
  readonly commands: { name: string; data: Buffer }[] = [];
  readonly messages: Buffer[][] = [];
  closed = false;
  private pending = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();
  private readonly parser = new FrameParser({
    onMessage: (frames) => this.messages.push(frames),
    onCommand: (name, data) => this.commands.push({ name, data }),
  });

  constructor(
    readonly socket: Socket,
    minor = 1,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.data(chunk);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.write(encodeGreeting({ mechanism: 'NULL', asServer: false, minor }));
  }

  write(chunks: readonly Buffer[]): void {
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }

  /** Resolves with `check()`'s first defined result, re-checked on every read; rejects after WAIT. */
  until<T>(what: string, check: () => T | undefined): Promise<T> {
    return within(
      new Promise<T>((resolve) => {
        const waiter = (): void => {
          const result = check();
          if (result === undefined) return;
          this.waiters.delete(waiter);
          resolve(result);
        };
        this.waiters.add(waiter);
        waiter();
      }),
      what,
    );
  }

  /** Sends our READY and resolves with the peer's READY properties. */
  async handshake(socketType: string): Promise<Map<string, Buffer>> {
    this.write(encodeReady({ 'Socket-Type': socketType }));
    const ready = await this.until('READY', () => this.commands.find((c) => c.name === 'READY'));
    return parseMetadata(ready.data);
  }

  private data(chunk: Buffer): void {
    if (!this.greeting) {
      // the signature first, as libzmq reads it, then the whole greeting
      this.pending = Buffer.concat([this.pending, chunk]);
      checkSignature(this.pending.subarray(0, SIGNATURE_SIZE));
      if (this.pending.length < GREETING_SIZE) return;
      this.greeting = parseGreeting(this.pending.subarray(0, GREETING_SIZE));
      chunk = this.pending.subarray(GREETING_SIZE);
    }
    if (chunk.length > 0) this.parser.push(chunk);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

describe('ZMTP codec against libzmq', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** A zeromq.js socket, bound on a free tcp port, and a raw peer connected to it. */
  async function dialBound<S extends zmq.Socket>(socket: S, minor = 1): Promise<{ socket: S; peer: RawPeer }> {
    closers.push(() => socket.close());
    await socket.bind('tcp://127.0.0.1:*');
    const { port } = new URL(socket.lastEndpoint!.replace('tcp://', 'http://'));
    const raw = connect(Number(port), '127.0.0.1');
    closers.push(() => raw.destroy());
    return { socket, peer: new RawPeer(raw, minor) };
  }

  /** A net server on a free port, and the raw peer of the first connection to it. */
  async function listen(minor = 1): Promise<{ endpoint: string; peer: Promise<RawPeer> }> {
    let accepted!: (peer: RawPeer) => void;
    const peer = new Promise<RawPeer>((resolve) => (accepted = resolve));
    const server: Server = createServer((raw) => {
      closers.push(() => raw.destroy());
      accepted(new RawPeer(raw, minor));
    });
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { endpoint: `tcp://127.0.0.1:${port}`, peer: within(peer, 'a connection') };
  }

  it('libzmq PULL - greeting and READY, then a multipart message of 0, 255, 256 and 70000 bytes byte for byte', async () => {
    const { socket: pull, peer } = await dialBound(new zmq.Pull({ linger: 0 }));
    const metadata = await peer.handshake('PUSH');
    // libzmq 4.3.5 speaks ZMTP 3.1 with NULL; its signature padding is not
    // zero (it carries 1, for ZMTP 1.0 detection), which the codec ignores.
    expect(peer.greeting).toEqual({ major: 3, minor: 1, mechanism: 'NULL', asServer: false });
    expect([...metadata.keys()]).toEqual(['socket-type']);
    expect(metadata.get('socket-type')!.toString()).toBe('PULL');
    expect(compatible('push', metadata.get('socket-type')!.toString())).toBe(true);

    const frames = [0, 255, 256, 70000].map((size, i) => payload(size, i));
    peer.write(encodeMessage(frames));
    const received = await within(pull.receive(), 'pull.receive()');
    expect(received.map((f) => f.length)).toEqual([0, 255, 256, 70000]);
    received.forEach((frame, i) => expect(frame.equals(frames[i])).toBe(true));
  });

  it('libzmq PULL - many messages in one write, and one message written a byte at a time', async () => {
    const { socket: pull, peer } = await dialBound(new zmq.Pull({ linger: 0 }));
    await peer.handshake('PUSH');
    peer.write(Array.from({ length: 20 }, (_, i) => encodeMessage([Buffer.from(`m${i}`), Buffer.alloc(0)])).flat());
    for (let i = 0; i < 20; i++) {
      const message = await within(pull.receive(), `message ${i}`);
      expect(message.map((f) => f.toString())).toEqual([`m${i}`, '']);
    }
    const bytes = Buffer.concat(encodeMessage([Buffer.from('slow'), payload(300, 9)]));
    for (let i = 0; i < bytes.length; i++) peer.socket.write(bytes.subarray(i, i + 1));
    const slow = await within(pull.receive(), 'the slow message');
    expect(slow[0].toString()).toBe('slow');
    expect(slow[1].equals(payload(300, 9))).toBe(true);
  });

  it('libzmq PUSH - FrameParser reads its messages byte for byte, up to 8 MiB', async () => {
    const { endpoint, peer: accepted } = await listen();
    const push = new zmq.Push({ linger: 0 });
    closers.push(() => push.close());
    push.connect(endpoint);
    const peer = await accepted;
    const metadata = await peer.handshake('PULL');
    expect(peer.greeting).toEqual({ major: 3, minor: 1, mechanism: 'NULL', asServer: false });
    expect(metadata.get('socket-type')!.toString()).toBe('PUSH');

    const first = [0, 255, 256, 70000].map((size, i) => payload(size, i));
    const big = payload(8 * 1024 * 1024, 5);
    await within(push.send(first), 'push.send');
    await within(push.send([Buffer.alloc(0)]), 'push.send');
    await within(push.send([Buffer.from('a'), big]), 'push.send');
    const messages = await peer.until('three messages', () => (peer.messages.length >= 3 ? peer.messages : undefined));
    expect(messages.map((m) => m.map((f) => f.length))).toEqual([[0, 255, 256, 70000], [0], [1, big.length]]);
    messages[0].forEach((frame, i) => expect(frame.equals(first[i])).toBe(true));
    expect(messages[2][0].toString()).toBe('a');
    expect(messages[2][1].equals(big)).toBe(true);
  });

  it('libzmq - answers a PING with a PONG echoing its context', async () => {
    const { peer } = await dialBound(new zmq.Pull({ linger: 0 }));
    await peer.handshake('PUSH');
    peer.write(encodePing(100, Buffer.from('ping-context')));
    const pong = await peer.until('PONG', () => peer.commands.find((c) => c.name === 'PONG'));
    expect(pong.data.toString()).toBe('ping-context');
  });

  it('libzmq XPUB - SUBSCRIBE and CANCEL commands arrive as subscriptions, and it filters what it sends', async () => {
    const { socket: xpub, peer } = await dialBound(new zmq.XPublisher({ linger: 0 }));
    const metadata = await peer.handshake('SUB');
    expect(metadata.get('socket-type')!.toString()).toBe('XPUB');
    peer.write(encodeSubscribe(Buffer.from('topic')));
    const [subscription] = await within(xpub.receive(), 'the subscription');
    expect(subscription).toEqual(Buffer.from('\x01topic', 'latin1'));

    await xpub.send(['other', 'dropped']);
    await xpub.send(['topic-1', 'kept']);
    const [message] = await peer.until('a message', () => peer.messages[0] && peer.messages);
    expect(message.map((f) => f.toString())).toEqual(['topic-1', 'kept']);

    peer.write(encodeCancel(Buffer.from('topic')));
    const [cancel] = await within(xpub.receive(), 'the cancel');
    expect(cancel).toEqual(Buffer.from('\x00topic', 'latin1'));
  });

  it.each([
    [1, 'SUBSCRIBE and CANCEL commands', [['SUBSCRIBE', 'abc'], ['CANCEL', 'abc']], []],
    [0, 'subscription messages', [], [['\x01abc'], ['\x00abc']]],
  ] as const)('libzmq SUB - to a ZMTP 3.%d peer, sends %s', async (minor, _, commands, messages) => {
    const { endpoint, peer: accepted } = await listen(minor);
    const sub = new zmq.Subscriber({ linger: 0 });
    closers.push(() => sub.close());
    sub.connect(endpoint);
    const peer = await accepted;
    expect((await peer.handshake('PUB')).get('socket-type')!.toString()).toBe('SUB');
    sub.subscribe('abc');
    await peer.until('the subscription', () => peer.commands.length > 1 || peer.messages.length > 0 || undefined);
    sub.unsubscribe('abc');
    const seen = () => peer.commands.length - 1 + peer.messages.length;
    await peer.until('the unsubscription', () => seen() >= 2 || undefined);
    expect(peer.commands.slice(1).map((c) => [c.name, c.data.toString('latin1')])).toEqual(commands);
    expect(peer.messages.map((m) => m.map((f) => f.toString('latin1')))).toEqual(messages);
  });

  it('libzmq - closes without an ERROR on an incompatible Socket-Type', async () => {
    const { peer } = await dialBound(new zmq.Pull({ linger: 0 }));
    peer.write(encodeReady({ 'Socket-Type': 'PUB' }));
    await peer.until('the connection to close', () => peer.closed || undefined);
    // Whether its own READY goes out first is a race inside libzmq.
    expect(peer.commands.filter((c) => c.name !== 'READY')).toEqual([]);
    expect(compatible('PUB', 'PULL')).toBe(false);
  });
});
