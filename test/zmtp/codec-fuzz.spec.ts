/**
 * The ZMTP codec under hostile and arbitrary input (fast-check): the frame
 * parser never fails but with a ZmtpProtocolError and never holds more than
 * the limit allows; encoding then parsing gives back what went in, however
 * the stream is cut; metadata and greetings likewise.
 */
import fc from 'fast-check';
import { FrameParser, ZmtpProtocolError, encodeCommand, encodeMessage } from '../../src/engine/zmtp/codec';
import { GREETING_SIZE, encodeGreeting, parseGreeting } from '../../src/engine/zmtp/codec';
import { encodeMetadata, parseMetadata, parseError, parsePing } from '../../src/engine/zmtp/codec';

const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 200) };

/** `buf` cut at the given offsets (taken modulo its length). */
function cut(buf: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (buf.length + 1)))].sort((a, b) => a - b);
  return [0, ...points, buf.length].slice(1).map((end, i, ends) => buf.subarray(i === 0 ? 0 : ends[i - 1], end));
}

/** True when `fn` returns, false when it throws a ZmtpProtocolError; anything else fails the property. */
function protocolOnly(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof ZmtpProtocolError)) throw err;
    return false;
  }
}

type Item = { kind: 'message'; frames: Buffer[] } | { kind: 'command'; name: string; data: Buffer };

const frame = fc
  .oneof(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ minLength: 250, maxLength: 300 }))
  .map((a) => Buffer.from(a));
const item: fc.Arbitrary<Item> = fc.oneof(
  fc.array(frame, { minLength: 1, maxLength: 5 }).map((frames) => ({ kind: 'message' as const, frames })),
  fc
    .record({ name: fc.stringMatching(/^[A-Za-z]{1,12}$/), data: fc.uint8Array({ maxLength: 300 }) })
    .map(({ name, data }) => ({ kind: 'command' as const, name, data: Buffer.from(data) })),
);
const encode = (items: Item[]): Buffer =>
  Buffer.concat(items.flatMap((i) => (i.kind === 'message' ? encodeMessage(i.frames) : encodeCommand(i.name, i.data))));
const offsets = fc.array(fc.nat(), { maxLength: 20 });
const limit = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 600 }));

/** Hostile streams: random bytes, and valid streams with bytes overwritten. */
const hostile = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc
    .tuple(fc.array(item, { maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
    .map(([items, patches]) => {
      const stream = encode(items);
      for (const [at, value] of patches) if (stream.length > 0) stream[at % stream.length] = value;
      return stream;
    }),
);

describe('codec fuzzing', () => {
  it('parser - arbitrary bytes in arbitrary chunks: no failure but ZmtpProtocolError, never more held than the limit', () => {
    fc.assert(
      fc.property(hostile, offsets, limit, (stream, cuts, max) => {
        const parser = new FrameParser({ maxMessageSize: max, onMessage: () => undefined, onCommand: () => undefined });
        let pushed = 0;
        for (const chunk of cut(stream, cuts)) {
          pushed += chunk.length;
          if (!protocolOnly(() => parser.push(chunk))) {
            expect(protocolOnly(() => parser.push(Buffer.from([0, 0])))).toBe(false); // done for good
            return;
          }
          expect(parser.buffered).toBeLessThanOrEqual(max >= 0 ? Math.min(pushed, max + 8) : pushed);
        }
      }),
      RUNS,
    );
  });

  it('parser - a declared size beyond the limit is refused on its header, whatever follows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10000 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.array(frame, { maxLength: 3 }),
        fc.uint8Array({ maxLength: 2000 }),
        offsets,
        (max, excess, before, after, cuts) => {
          // a message in progress, then a frame that takes it past the limit
          const held = before.reduce((n, f) => n + f.length, 0);
          if (held > max) return;
          const size = max - held + excess;
          const header = Buffer.alloc(9);
          header[0] = 0x02;
          header.writeUInt32BE(Math.floor(size / 2 ** 32), 1);
          header.writeUInt32BE(size % 2 ** 32, 5);
          const prefix = before.length > 0 ? encodeMessage([...before, Buffer.alloc(0)]).slice(0, -1) : [];
          const stream = Buffer.concat([...prefix, header, after]);
          const parser = new FrameParser({ maxMessageSize: max, onMessage: () => undefined, onCommand: () => undefined });
          let pushed = 0;
          let error: unknown;
          for (const chunk of cut(stream, cuts)) {
            try {
              parser.push(chunk);
            } catch (err) {
              error = err;
              break;
            }
            pushed += chunk.length;
            expect(parser.buffered).toBeLessThanOrEqual(max + 8);
          }
          expect(error).toBeInstanceOf(ZmtpProtocolError);
          expect((error as ZmtpProtocolError).reason).toBe('frame-too-large');
          expect(pushed).toBeLessThan(stream.length - after.length); // it failed within the header's chunk
        },
      ),
      RUNS,
    );
  });

  it('parser - encoded messages and commands come back as they were, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), offsets, (items, cuts) => {
        // compared as hex: much faster than deep equality of Buffers
        const show = (i: Item): string =>
          i.kind === 'message' ? i.frames.map((f) => f.toString('hex')).join('|') : `${i.name}:${i.data.toString('hex')}`;
        const got: string[] = [];
        const parser = new FrameParser({
          onMessage: (frames) => got.push(show({ kind: 'message', frames })),
          onCommand: (name, data) => got.push(show({ kind: 'command', name, data })),
        });
        for (const chunk of cut(encode(items), cuts)) parser.push(chunk);
        expect(parser.buffered).toBe(0);
        expect(got).toEqual(items.map(show));
      }),
      RUNS,
    );
  });

  it('metadata - properties round-trip with lower-case names', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9\-_.+]{1,30}$/);
    const value = fc.oneof(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), fc.string({ maxLength: 20 }));
    const properties = fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n.toLowerCase(), maxLength: 6 });
    fc.assert(
      fc.property(properties, (entries) => {
        const object = Object.fromEntries(entries);
        const parsed = parseMetadata(encodeMetadata(object));
        // in the object's order (which puts names like "0" first)
        expect([...parsed.keys()]).toEqual(Object.keys(object).map((n) => n.toLowerCase()));
        for (const [n, v] of entries) expect(parsed.get(n.toLowerCase())).toEqual(Buffer.from(v));
      }),
      RUNS,
    );
  });

  it('metadata - arbitrary bytes parse or fail with bad-metadata', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
        try {
          parseMetadata(Buffer.from(data));
        } catch (err) {
          expect(err).toBeInstanceOf(ZmtpProtocolError);
          expect((err as ZmtpProtocolError).reason).toBe('bad-metadata');
        }
      }),
      RUNS,
    );
  });

  it('greeting - 64 arbitrary bytes parse or fail with ZmtpProtocolError', () => {
    const signed = fc.uint8Array({ minLength: GREETING_SIZE, maxLength: GREETING_SIZE }).map((a) => {
      const buf = Buffer.from(a);
      buf[0] = 0xff;
      buf[9] = 0x7f;
      return buf;
    });
    const mutated = fc
      .tuple(fc.constantFrom('NULL', 'PLAIN', 'CURVE'), fc.nat(63), fc.integer({ min: 0, max: 255 }))
      .map(([mechanism, at, value]) => {
        const buf = encodeGreeting({ mechanism, asServer: false });
        buf[at] = value;
        return buf;
      });
    const any = fc.uint8Array({ minLength: GREETING_SIZE, maxLength: GREETING_SIZE }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.oneof(any, signed, mutated), (buf) => {
        protocolOnly(() => {
          const greeting = parseGreeting(buf);
          expect(greeting.major).toBeGreaterThanOrEqual(3);
          expect(['NULL', 'PLAIN', 'CURVE']).toContain(greeting.mechanism);
        });
      }),
      RUNS,
    );
  });

  it('commands - arbitrary PING and ERROR bodies parse or fail with ZmtpProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (data) => {
        const buf = Buffer.from(data);
        protocolOnly(() => expect(parsePing(buf).context.length).toBeLessThanOrEqual(16));
        protocolOnly(() => expect(parseError(buf).length).toBeLessThanOrEqual(255));
      }),
      RUNS,
    );
  });
});
