/**
 * The zmtp engine's sockets under hostile connections (fast-check), where
 * codec-fuzz.spec.ts tests the codec alone:
 *
 * ```
 * libzmq PUSH (well-behaved) ---------> zmtp PULL (tcp, maxMessageSize 64 KiB)
 * raw TCP peers: random bytes, bad greetings, bad READYs, huge frames ---^
 * ```
 *
 * For every hostile connection: the process sees no unhandled rejection or
 * uncaught exception, the connection gets closed (by the zmtp side when the
 * bytes are wrong for sure, else once the peer ends), the zmtp socket's
 * monitor reports it (handshakeFailed, disconnected), and the well-behaved
 * peer's messages still flow afterwards. A frame declared beyond the limit
 * is refused on its header, and a huge declared size costs no memory before
 * its bytes arrive.
 */
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pull, push, type Message, type PullSocket, type PushSocket, type SocketEventType } from '../../src';
import {
  encodeCommand,
  encodeGreeting,
  encodeMessage,
  encodeMetadata,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
} from '../../src/engine/zmtp/codec';
import { Closer, waitFor } from '../helpers';
import { cut, FaultWatch, handshake, hostile, portOf } from './hostile-peer';

const LIMIT = 64 * 1024;
const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 15) };

const closer = new Closer();
const watch = new FaultWatch();
let target: PullSocket;
let good: PushSocket;
let port: number;
const counts = new Map<SocketEventType, number>();
const fromHostile: Message[] = [];
let flowed = 0;

const count = (type: SocketEventType): number => counts.get(type) ?? 0;

beforeAll(async () => {
  watch.install();
  target = closer.add(pull({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', maxMessageSize: LIMIT, linger: 0 }));
  target.events$.subscribe((e) => counts.set(e.type, count(e.type) + 1));
  await target.ready;
  port = portOf(target.bindings[0]!);
  target.subscribe((msg) => {
    if (msg[0]!.toString() === 'good') flowed++;
    else fromHostile.push(msg);
  });
  good = closer.add(push({ engine: 'libzmq', connect: target.bindings[0]!, linger: 0 }));
  await good.send(['good', 'first']);
  await waitFor(() => flowed === 1, 10_000, 'the well-behaved peer');
});

afterAll(async () => {
  await closer.closeAll();
  watch.uninstall();
});

/** What a hostile connection should leave on the zmtp socket's monitor. */
interface Expected {
  /** The zmtp side must close it without the peer ending first. */
  refused?: boolean;
  /** handshakeFailed: true (must), false (must not), undefined (either). */
  handshakeFailed?: boolean;
  /** The peer hears why in an ERROR command (ZMTP 3.1), as one that sent a valid signature should. */
  told?: boolean;
}

const ERROR_NAME = Buffer.from('\x05ERROR', 'latin1');

/**
 * Runs one hostile connection and checks the aftermath: closed, one more
 * `disconnected` (and `handshakeFailed` as expected), no faults, and a
 * message from the well-behaved peer still arrives.
 */
async function survives(chunks: readonly Buffer[], end: boolean, expected: Expected = {}): Promise<void> {
  const disconnected = count('disconnected');
  const failed = count('handshakeFailed');
  const result = await hostile(port, chunks, end);
  if (expected.refused) expect(result.refused).toBe(true);
  if (expected.told) expect(result.received.includes(ERROR_NAME)).toBe(true);
  await waitFor(() => count('disconnected') > disconnected, 5000, 'the disconnected event');
  if (expected.handshakeFailed !== undefined) expect(count('handshakeFailed') - failed).toBe(expected.handshakeFailed ? 1 : 0);
  const before = flowed;
  await good.send(['good', String(before)]);
  await waitFor(() => flowed === before + 1, 5000, 'a message from the well-behaved peer');
  expect(watch.faults).toEqual([]);
}

const bytes = (max: number, min = 0) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));
const offsets = fc.array(fc.nat(), { maxLength: 6 });
const GREETING = encodeGreeting({ mechanism: 'NULL', asServer: false });

/** A long frame header declaring `size` (a Number up to 2^53, or a bigint up to 2^64 - 1). */
function longHeader(flags: number, size: bigint): Buffer {
  const header = Buffer.alloc(9);
  header[0] = flags | FLAG_LONG;
  header.writeBigUInt64BE(size, 1);
  return header;
}

/** A message frame of `n` zero bytes with MORE set (long header, as ZMTP allows for any size). */
const moreFrame = (n: number): Buffer => Buffer.concat([longHeader(FLAG_MORE, BigInt(n)), Buffer.alloc(n)]);

/** An encoded frame with the MORE flag set on it. */
function withMore(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy[0] = copy[0]! | FLAG_MORE;
  return copy;
}

describe('zmtp socket fuzzing: hostile tcp peers of a bound PULL', () => {
  it('random bytes without the signature (byte 0 not 0xFF or byte 9 not 0x7F) - refused as a failed handshake', async () => {
    // At least the signature's 10 bytes: the engine decides on all ten (see the report on byte 0 alone).
    const noSignature = bytes(300, 10).filter((b) => b[0] !== 0xff || b[9] !== 0x7f);
    await fc.assert(
      fc.asyncProperty(noSignature, offsets, async (stream, cuts) => {
        await survives(cut(stream, cuts), false, { refused: true, handshakeFailed: true });
      }),
      RUNS,
    );
  });

  it('random bytes of any kind, then the peer ends - closed and reported', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(300), offsets, async (stream, cuts) => {
        await survives(cut(stream, cuts), true);
      }),
      RUNS,
    );
  });

  it('a greeting with random version, as-server and filler, then random bytes - closed and reported', async () => {
    const greeting = fc
      .record({ major: fc.integer({ min: 0, max: 255 }), rest: bytes(32, 32), tail: bytes(200) })
      .map(({ major, rest, tail }) => {
        const g = Buffer.from(GREETING);
        g[10] = major;
        rest.copy(g, 32); // as-server and filler
        return Buffer.concat([g, tail]);
      });
    await fc.assert(
      fc.asyncProperty(greeting, offsets, async (stream, cuts) => {
        await survives(cut(stream, cuts), true);
      }),
      RUNS,
    );
  });

  it('a greeting below version 3 - refused as a failed handshake', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), async (major) => {
        const g = Buffer.from(GREETING);
        g[10] = major;
        await survives([g], false, { refused: true, handshakeFailed: true });
      }),
      { numRuns: 3 },
    );
  });

  it('unknown or malformed mechanisms in the greeting - refused as a failed handshake', async () => {
    const named = fc.stringMatching(/^[A-Z0-9\-_.+]{1,20}$/).filter((name) => name !== 'NULL');
    const mechanism = fc.oneof(
      named.map((name) => Buffer.from(name, 'latin1')),
      bytes(20, 1).filter((b) => b[0] !== 0 && !b.equals(Buffer.from('NULL'))),
    );
    await fc.assert(
      fc.asyncProperty(mechanism, offsets, async (name, cuts) => {
        const g = Buffer.from(GREETING);
        g.fill(0, 12, 32);
        name.copy(g, 12);
        await survives(cut(g, cuts), false, { refused: true, handshakeFailed: true, told: true });
      }),
      RUNS,
    );
  });

  it('malformed READY and other commands in the handshake - refused as a failed handshake', async () => {
    const badReady = fc.oneof(
      // a Socket-Type this PULL cannot talk to, or none at all
      fc
        .constantFrom('PULL', 'PUB', 'SUB', 'REQ', 'REP', 'DEALER', 'ROUTER', 'PAIR', 'XPUB', 'XSUB', '', 'push', 'PUSHX')
        .map((type) => encodeMetadata({ 'Socket-Type': type })),
      fc.constant(encodeMetadata({ Identity: 'x' })),
      // metadata cut short: a PUSH's properties missing their last bytes
      fc
        .integer({ min: 1, max: 16 })
        .map((n) => {
          const full = encodeMetadata({ 'Socket-Type': 'PUSH' });
          return full.subarray(0, full.length - n);
        }),
      // a value size beyond what the command holds, or an empty name
      bytes(40).map((tail) => Buffer.concat([Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.from([0x7f, 0, 0, 0]), tail])),
      bytes(40).map((tail) => Buffer.concat([Buffer.from([0]), tail])),
    );
    const command = fc.oneof(
      badReady.map((metadata) => Buffer.concat(encodeCommand('READY', metadata))),
      // another command where READY must be
      fc
        .tuple(fc.constantFrom('PING', 'PONG', 'SUBSCRIBE', 'CANCEL', 'ERROR', 'HELLO', 'INITIATE', 'XREADY'), bytes(30))
        .map(([name, data]) => Buffer.concat(encodeCommand(name, data))),
      // a message where READY must be
      bytes(30).map((body) => Buffer.concat(encodeMessage([body, Buffer.from('x')]))),
      // a command frame whose name is malformed (empty, too long, not letters), or with MORE set
      bytes(30).map((body) => Buffer.concat([Buffer.from([FLAG_COMMAND, body.length + 1, 0]), body])),
      bytes(30).map((body) => Buffer.concat([Buffer.from([FLAG_COMMAND, body.length + 1, 200]), body])),
      fc.constant(Buffer.from([FLAG_COMMAND, 6, 5, 0x52, 0x45, 0x41, 0x44, 0x31])), // "READ1"
      fc.constant(withMore(Buffer.concat(encodeCommand('READY', encodeMetadata({ 'Socket-Type': 'PUSH' }))))),
    );
    await fc.assert(
      fc.asyncProperty(command, offsets, async (frame, cuts) => {
        await survives(cut(Buffer.concat([GREETING, frame]), cuts), false, { refused: true, handshakeFailed: true, told: true });
      }),
      { numRuns: 40 },
    );
  });

  it('a valid handshake, then random bytes - closed, reported as a disconnection', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(400, 1), offsets, async (garbage, cuts) => {
        const succeeded = count('handshakeSucceeded');
        await survives(cut(Buffer.concat([handshake(), garbage]), cuts), true, { handshakeFailed: false });
        expect(count('handshakeSucceeded')).toBe(succeeded + 1);
      }),
      RUNS,
    );
  });

  it('truncated frames - exactly the complete messages before the cut arrive, nothing of the cut one', async () => {
    const message = fc.array(bytes(300), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 4 }), fc.nat(), offsets, async (messages, at, cuts) => {
        const tagged = messages.map((frames, i) => [Buffer.from(`m${i}`), ...frames]);
        const encoded = tagged.map((frames) => Buffer.concat(encodeMessage(frames)));
        const stream = Buffer.concat(encoded);
        const stop = 1 + (at % stream.length); // cut inside the stream, after at least its first byte
        let complete = 0;
        for (let end = 0; complete < encoded.length && (end += encoded[complete]!.length) <= stop; ) complete++;
        fromHostile.length = 0;
        await survives(cut(Buffer.concat([handshake(), stream.subarray(0, stop)]), cuts), true, { handshakeFailed: false });
        // The messages before the cut were delivered before the disconnection was reported.
        expect(fromHostile.map((m) => m.map((f) => f.toString('hex')))).toEqual(
          tagged.slice(0, complete).map((m) => m.map((f) => f.toString('hex'))),
        );
      }),
      RUNS,
    );
  });

  it('frames declaring sizes far beyond maxMessageSize - refused on the header, before the body comes', async () => {
    const declared = fc.oneof(
      fc.bigInt({ min: BigInt(LIMIT + 1), max: 2n ** 32n }),
      fc.bigInt({ min: 2n ** 32n, max: 2n ** 64n - 1n }),
    );
    const frame = fc.record({
      size: declared,
      flags: fc.constantFrom(0, FLAG_MORE, FLAG_COMMAND),
      // frames within the limit first (a multipart message in progress)
      before: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 3 }),
      body: bytes(1024),
    });
    await fc.assert(
      fc.asyncProperty(frame, async ({ size, flags, before, body }) => {
        const leading = flags & FLAG_COMMAND ? [] : before.map(moreFrame);
        const stream = Buffer.concat([handshake(), ...leading, longHeader(flags, size), body]);
        await survives([stream], false, { refused: true, handshakeFailed: false, told: true });
      }),
      RUNS,
    );
  });

  it('a multipart message growing past maxMessageSize frame by frame - refused once over', async () => {
    const frame = moreFrame(16 * 1024);
    const frames = Array.from({ length: 64 }, () => frame); // 1 MiB in 16 KiB frames, all with MORE
    const disconnected = count('disconnected');
    const result = await hostile(port, [handshake(), ...frames], false);
    expect(result.refused).toBe(true);
    await waitFor(() => count('disconnected') > disconnected, 5000, 'the disconnected event');
    expect(watch.faults).toEqual([]);
  });
});

describe('zmtp socket fuzzing: no memory for declared sizes', () => {
  it('a 4 GiB frame declared to a PULL without limit and trickled: memory grows with what arrives, not with what is declared', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const open = closer.add(pull({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', linger: 0 }));
    const events: SocketEventType[] = [];
    open.events$.subscribe((e) => events.push(e.type));
    await open.ready;
    const piece = Buffer.alloc(128 * 1024, 3);
    const pieces = Array.from({ length: 16 }, () => piece); // 2 MiB of the 4 GiB body
    gc();
    const before = process.memoryUsage();
    let peak = 0;
    const measure = (): void => {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before.arrayBuffers);
    };
    await hostile(portOf(open.bindings[0]!), [handshake(), longHeader(0, 2n ** 32n - 1n), ...pieces], true, {
      afterWrite: measure,
    });
    expect(events).toContain('handshakeSucceeded');
    await waitFor(() => events.includes('disconnected'), 5000, 'the disconnected event');
    expect(peak).toBeLessThan(64 * 1024 * 1024); // 4 GiB would be far beyond; 2 MiB arrived
    expect(watch.faults).toEqual([]);
  });
});
