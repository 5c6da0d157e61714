/**
 * The ZMTP codec byte by byte (RFC 23 / RFC 37): greeting, frame headers,
 * messages, commands, metadata, the socket-type table, and the incremental
 * FrameParser fed one stream in every chunking.
 */
import {
  ZmtpProtocolError,
  // greeting
  GREETING_SIZE, SIGNATURE_SIZE, checkSignature, encodeGreeting, parseGreeting,
  // frames and the parser
  FLAG_COMMAND, FLAG_LONG, FLAG_MORE, encodeCommand, encodeMessage, frameHeader, FrameParser,
  // metadata and commands
  encodeMetadata, parseMetadata, encodeReady, encodeError, parseError, encodeSubscribe, encodeCancel,
  encodePing, parsePing, encodePong,
  // socket types
  SOCKET_TYPE_NAMES, acceptsPeer, compatible,
} from '../../src/engine/zmtp/codec';

const bytes = (...parts: (number | string | number[] | Buffer)[]): Buffer =>
  Buffer.concat(
    parts.map((p) =>
      typeof p === 'number' ? Buffer.from([p]) : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p),
    ),
  );
const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const join = (chunks: Buffer[]): Buffer => Buffer.concat(chunks);

/** Runs `fn` and returns the ZmtpProtocolError's reason it throws. */
function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ZmtpProtocolError) return err.reason;
    throw err;
  }
  throw new Error('expected a ZmtpProtocolError');
}

type Event = ['message', string[]] | ['command', string, string];

/** A parser that records what it reads, frames as hex. */
function recorder(maxMessageSize?: number) {
  const events: Event[] = [];
  const messages: Buffer[][] = [];
  const parser = new FrameParser({
    maxMessageSize,
    onMessage: (frames) => {
      messages.push(frames);
      events.push(['message', frames.map((f) => f.toString('hex'))]);
    },
    onCommand: (name, data) => events.push(['command', name, data.toString('hex')]),
  });
  return { parser, events, messages };
}

function parseChunks(chunks: Buffer[]): Event[] {
  const { parser, events } = recorder();
  for (const chunk of chunks) parser.push(chunk);
  expect(parser.buffered).toBe(0);
  return events;
}

/** `buf` cut at the given offsets. */
function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), buf.length];
  return points.slice(1).map((end, i) => buf.subarray(points[i], end));
}

/** A small deterministic PRNG (mulberry32), so random splits repeat. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ZmtpProtocolError', () => {
  it('should carry a name, a reason and a message', () => {
    const err = new ZmtpProtocolError('bad-command', 'what happened', { cause: 'x' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ZmtpProtocolError');
    expect(err.reason).toBe('bad-command');
    expect(err.message).toBe('what happened');
    expect(err.cause).toBe('x');
    expect(new ZmtpProtocolError('bad-version').message).toBe('bad-version');
  });
});

describe('greeting', () => {
  it('greeting - a NULL client greeting byte by byte', () => {
    const greeting = encodeGreeting({ mechanism: 'NULL', asServer: false });
    expect(GREETING_SIZE).toBe(64);
    expect(SIGNATURE_SIZE).toBe(10);
    expect([...greeting]).toEqual([
      0xff, ...zeros(8), 0x7f, // signature: %xFF padding %x7F
      3, 1, // version 3.1
      0x4e, 0x55, 0x4c, 0x4c, ...zeros(16), // "NULL", null-padded to 20
      0, // as-server
      ...zeros(31), // filler
    ]);
  });

  it('greeting - the mechanism, as-server and minor land at bytes 12-31, 32 and 11', () => {
    const greeting = encodeGreeting({ mechanism: 'CURVE', asServer: true, minor: 0 });
    expect(greeting.length).toBe(64);
    expect(greeting[11]).toBe(0);
    expect(greeting.toString('latin1', 12, 17)).toBe('CURVE');
    expect([...greeting.subarray(17, 32)]).toEqual(zeros(15));
    expect(greeting[32]).toBe(1);
    expect(greeting.toString('latin1', 12, 32)).toBe('CURVE' + '\0'.repeat(15));
    expect(encodeGreeting({ mechanism: 'PLAIN', asServer: false }).toString('latin1', 12, 17)).toBe('PLAIN');
  });

  it('greeting - refuses to encode a mechanism or minor the grammar does not allow', () => {
    expect(() => encodeGreeting({ mechanism: 'null', asServer: false })).toThrow(TypeError);
    expect(() => encodeGreeting({ mechanism: '', asServer: false })).toThrow(TypeError);
    expect(() => encodeGreeting({ mechanism: 'A'.repeat(21), asServer: false })).toThrow(TypeError);
    expect(() => encodeGreeting({ mechanism: 'NULL', asServer: false, minor: 256 })).toThrow(TypeError);
    expect(() => encodeGreeting({ mechanism: 'NULL', asServer: false, minor: -1 })).toThrow(TypeError);
  });

  it.each([
    ['NULL', false, 1],
    ['PLAIN', true, 1],
    ['PLAIN', false, 0],
    ['CURVE', true, 0],
  ] as const)('greeting - %s as-server %s minor %s round-trips', (mechanism, asServer, minor) => {
    expect(parseGreeting(encodeGreeting({ mechanism, asServer, minor }))).toEqual({
      major: 3,
      minor,
      mechanism,
      asServer,
    });
  });

  it('greeting - accepts a hand-made ZMTP 3.0 greeting, a later version, and ignores padding and filler', () => {
    const v30 = bytes(0xff, zeros(8), 0x7f, 3, 0, 'NULL', zeros(16), 0, zeros(31));
    expect(parseGreeting(v30)).toEqual({ major: 3, minor: 0, mechanism: 'NULL', asServer: false });
    const later = bytes(0xff, [1, 2, 3, 4, 5, 6, 7, 8], 0x7f, 4, 7, 'PLAIN', zeros(15), 1, new Array(31).fill(0xaa));
    expect(parseGreeting(later)).toEqual({ major: 4, minor: 7, mechanism: 'PLAIN', asServer: true });
  });

  it('greeting - refuses a bad signature, an old version and a bad or unknown mechanism', () => {
    const good = encodeGreeting({ mechanism: 'NULL', asServer: false });
    const patched = (offset: number, ...values: number[]): Buffer => {
      const copy = Buffer.from(good);
      copy.set(values, offset);
      return copy;
    };
    expect(reasonOf(() => parseGreeting(patched(0, 0x47)))).toBe('bad-signature');
    expect(reasonOf(() => parseGreeting(patched(9, 0x01)))).toBe('bad-signature');
    expect(reasonOf(() => parseGreeting(patched(10, 2)))).toBe('bad-version');
    expect(reasonOf(() => parseGreeting(patched(10, 1)))).toBe('bad-version');
    expect(reasonOf(() => parseGreeting(patched(12, ...Buffer.from('GSSAPI'))))).toBe('unknown-mechanism');
    expect(reasonOf(() => parseGreeting(patched(12, ...Buffer.from('null'))))).toBe('bad-mechanism');
    expect(reasonOf(() => parseGreeting(patched(12, 0)))).toBe('bad-mechanism'); // empty name
    expect(reasonOf(() => parseGreeting(patched(20, 0x41)))).toBe('bad-mechanism'); // bytes after the padding
    expect(() => parseGreeting(good.subarray(0, 63))).toThrow(RangeError);
  });

  it('greeting - checkSignature refuses garbage from its first byte on', () => {
    expect(reasonOf(() => checkSignature(Buffer.from('G')))).toBe('bad-signature'); // an HTTP client
    expect(() => checkSignature(Buffer.from([0xff]))).not.toThrow();
    expect(() => checkSignature(bytes(0xff, zeros(8)))).not.toThrow();
    expect(reasonOf(() => checkSignature(bytes(0xff, zeros(8), 0x00)))).toBe('bad-signature'); // a ZMTP 1.0 identity
    expect(() => checkSignature(bytes(0xff, [9, 9, 9, 9, 9, 9, 9, 9], 0x7f))).not.toThrow();
    expect(() => checkSignature(encodeGreeting({ mechanism: 'NULL', asServer: false }))).not.toThrow();
  });
});

describe('frames', () => {
  it('frames - flag bits as RFC 37 numbers them', () => {
    expect([FLAG_MORE, FLAG_LONG, FLAG_COMMAND]).toEqual([1, 2, 4]);
  });

  it.each([
    [0, false, false, [0x00, 0]],
    [1, true, false, [0x01, 1]],
    [255, false, false, [0x00, 255]],
    [255, false, true, [0x04, 255]],
    [256, false, false, [0x02, 0, 0, 0, 0, 0, 0, 1, 0]],
    [256, true, false, [0x03, 0, 0, 0, 0, 0, 0, 1, 0]],
    [256, false, true, [0x06, 0, 0, 0, 0, 0, 0, 1, 0]],
    [70000, false, false, [0x02, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]],
    [2 ** 32 + 5, false, false, [0x02, 0, 0, 0, 1, 0, 0, 0, 5]],
    [Number.MAX_SAFE_INTEGER, true, false, [0x03, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ])('frames - header for %d bytes, more %s, command %s', (size, more, command, expected) => {
    expect([...frameHeader(size, more, command)]).toEqual(expected);
  });

  it('frames - refuses impossible headers', () => {
    expect(() => frameHeader(-1, false, false)).toThrow(TypeError);
    expect(() => frameHeader(1.5, false, false)).toThrow(TypeError);
    expect(() => frameHeader(2 ** 53, false, false)).toThrow(TypeError);
    expect(() => frameHeader(1, true, true)).toThrow(TypeError);
  });

  it('frames - a multipart message: MORE on all but the last frame, bodies not copied, empty bodies left out', () => {
    const frames = [Buffer.from('ab'), Buffer.alloc(0), Buffer.alloc(255, 7), Buffer.alloc(256, 8)];
    const chunks = encodeMessage(frames);
    expect(chunks).toHaveLength(7);
    expect(chunks[1]).toBe(frames[0]);
    expect(chunks[4]).toBe(frames[2]);
    expect(chunks[6]).toBe(frames[3]);
    expect(join(chunks)).toEqual(
      bytes(1, 2, 'ab', 1, 0, 1, 255, frames[2], 2, [0, 0, 0, 0, 0, 0, 1, 0], frames[3]),
    );
    expect(join(encodeMessage([Buffer.from('x')]))).toEqual(bytes(0, 1, 'x'));
    expect(join(encodeMessage([Buffer.alloc(0)]))).toEqual(bytes(0, 0));
    expect(() => encodeMessage([])).toThrow(TypeError);
  });

  it('frames - a command: name length, name, data', () => {
    expect(join(encodeCommand('PONG'))).toEqual(bytes(0x04, 5, 4, 'PONG'));
    expect(join(encodeCommand('HELLO', Buffer.from([1, 2])))).toEqual(bytes(0x04, 8, 5, 'HELLO', [1, 2]));
    const data = Buffer.alloc(300, 9);
    const chunks = encodeCommand('MESSAGE', data);
    expect(chunks[1]).toBe(data);
    expect(join(chunks)).toEqual(bytes(0x06, [0, 0, 0, 0, 0, 0, 0x01, 0x34], 7, 'MESSAGE', data));
    for (const bad of ['', 'PING2', 'RE ADY', 'A'.repeat(256), 'ÉTÉ']) {
      expect(() => encodeCommand(bad)).toThrow(TypeError);
    }
  });
});

describe('metadata and commands', () => {
  it("commands - READY as in RFC 37's worked example (DEALER with an empty Identity)", () => {
    const ready = join(encodeReady({ 'Socket-Type': 'DEALER', Identity: Buffer.alloc(0) }));
    expect([...ready]).toEqual([
      0x04, 41,
      5, ...Buffer.from('READY'),
      11, ...Buffer.from('Socket-Type'),
      0, 0, 0, 6, ...Buffer.from('DEALER'),
      8, ...Buffer.from('Identity'),
      0, 0, 0, 0,
    ]);
    const router = join(encodeReady({ 'Socket-Type': 'ROUTER' }));
    expect(router.subarray(0, 2)).toEqual(bytes(0x04, 28));
    expect(router.length).toBe(30);
  });

  it('metadata - round-trips with lower-case keys and values sliced from the data', () => {
    const data = encodeMetadata({ 'Socket-Type': 'PUB', Identity: Buffer.from([0, 1, 2]), 'X-Name': 'zoë', Empty: '' });
    const parsed = parseMetadata(data);
    expect([...parsed.keys()]).toEqual(['socket-type', 'identity', 'x-name', 'empty']);
    expect(parsed.get('socket-type')).toEqual(Buffer.from('PUB'));
    expect(parsed.get('identity')).toEqual(Buffer.from([0, 1, 2]));
    expect(parsed.get('x-name')!.toString()).toBe('zoë');
    expect(parsed.get('empty')).toEqual(Buffer.alloc(0));
    expect(parsed.get('socket-type')!.buffer).toBe(data.buffer);
    expect(parseMetadata(Buffer.alloc(0)).size).toBe(0);
  });

  it('metadata - the first of repeated names counts, whatever its case', () => {
    const data = Buffer.concat([encodeMetadata({ 'Socket-Type': 'PUB' }), encodeMetadata({ 'SOCKET-TYPE': 'SUB' })]);
    expect(parseMetadata(data).get('socket-type')!.toString()).toBe('PUB');
  });

  it('metadata - refuses truncated and malformed properties', () => {
    const good = encodeMetadata({ 'Socket-Type': 'PUB' });
    for (let end = 1; end < good.length; end++) {
      expect(reasonOf(() => parseMetadata(good.subarray(0, end)))).toBe('bad-metadata');
    }
    expect(reasonOf(() => parseMetadata(bytes(0, [0, 0, 0, 0])))).toBe('bad-metadata'); // empty name
    expect(reasonOf(() => parseMetadata(bytes(2, 'a b', [0, 0, 0, 0])))).toBe('bad-metadata');
    expect(reasonOf(() => parseMetadata(bytes(3, 'a b', [0, 0, 0, 0])))).toBe('bad-metadata'); // space in a name
    expect(reasonOf(() => parseMetadata(bytes(1, 'a', [0x80, 0, 0, 0])))).toBe('bad-metadata'); // value size > 2^31-1
  });

  it('metadata - refuses to encode names the grammar does not allow', () => {
    expect(() => encodeMetadata({ '': 'x' })).toThrow(TypeError);
    expect(() => encodeMetadata({ 'a b': 'x' })).toThrow(TypeError);
    expect(() => encodeMetadata({ ['a'.repeat(256)]: 'x' })).toThrow(TypeError);
    expect(() => encodeMetadata({ 'X-ok_1.2+3': 'x' })).not.toThrow();
  });

  it('commands - ERROR carries a short printable reason', () => {
    expect(join(encodeError('Denied'))).toEqual(bytes(0x04, 13, 5, 'ERROR', 6, 'Denied'));
    expect(parseError(bytes(6, 'Denied'))).toBe('Denied');
    expect(parseError(bytes(0))).toBe('');
    expect(parseError(bytes(2, 'ok', 'trailing'))).toBe('ok');
    const long = join(encodeError('x'.repeat(300)));
    expect([long[0], long[15]]).toEqual([0x06, 255]); // a long command: 1 + 5 + 1 + 255 bytes
    expect(long.length).toBe(9 + 262);
    const cleaned = join(encodeError('naïve\n'));
    expect(cleaned.subarray(8)).toEqual(bytes(6, 'na?ve?'));
    expect(reasonOf(() => parseError(Buffer.alloc(0)))).toBe('bad-command');
    expect(reasonOf(() => parseError(bytes(5, 'abc')))).toBe('bad-command');
  });

  it('commands - SUBSCRIBE and CANCEL carry the topic as is', () => {
    expect(join(encodeSubscribe(Buffer.from('ab')))).toEqual(bytes(0x04, 12, 9, 'SUBSCRIBE', 'ab'));
    expect(join(encodeSubscribe(Buffer.alloc(0)))).toEqual(bytes(0x04, 10, 9, 'SUBSCRIBE'));
    expect(join(encodeCancel(Buffer.from('ab')))).toEqual(bytes(0x04, 9, 6, 'CANCEL', 'ab'));
  });

  it('commands - PING with TTL and context, PONG echoing it', () => {
    expect(join(encodePing(0x0102))).toEqual(bytes(0x04, 7, 4, 'PING', [1, 2]));
    expect(join(encodePing(600, Buffer.from('ctx')))).toEqual(bytes(0x04, 10, 4, 'PING', [0x02, 0x58], 'ctx'));
    expect(join(encodePong(Buffer.from('ctx')))).toEqual(bytes(0x04, 8, 4, 'PONG', 'ctx'));
    expect(join(encodePong(Buffer.alloc(0)))).toEqual(bytes(0x04, 5, 4, 'PONG'));
    const { ttl, context } = parsePing(bytes([0x02, 0x58], 'ctx'));
    expect(ttl).toBe(600);
    expect(context).toEqual(Buffer.from('ctx'));
    expect(parsePing(bytes(0xff, 0xff)).ttl).toBe(65535);
    expect(parsePing(bytes(0, 0, Buffer.alloc(20, 1))).context).toEqual(Buffer.alloc(16, 1)); // cut to 16, as libzmq
    expect(reasonOf(() => parsePing(bytes(1)))).toBe('bad-command');
    expect(() => encodePing(65536)).toThrow(TypeError);
    expect(() => encodePing(-1)).toThrow(TypeError);
    expect(() => encodePing(0, Buffer.alloc(17))).toThrow(TypeError);
    expect(() => encodePong(Buffer.alloc(17))).toThrow(TypeError);
  });
});

describe('socket types', () => {
  const legal: [string, string][] = [
    ['REQ', 'REP'], ['REQ', 'ROUTER'], ['REP', 'DEALER'], ['DEALER', 'DEALER'], ['DEALER', 'ROUTER'],
    ['ROUTER', 'ROUTER'], ['PUB', 'SUB'], ['PUB', 'XSUB'], ['XPUB', 'SUB'], ['XPUB', 'XSUB'],
    ['PUSH', 'PULL'], ['PAIR', 'PAIR'],
  ];
  const names = Object.values(SOCKET_TYPE_NAMES);

  it('socket types - every rxzmq type has its wire name', () => {
    expect(SOCKET_TYPE_NAMES).toEqual({
      pair: 'PAIR', pub: 'PUB', sub: 'SUB', xpub: 'XPUB', xsub: 'XSUB', req: 'REQ',
      rep: 'REP', dealer: 'DEALER', router: 'ROUTER', push: 'PUSH', pull: 'PULL',
    });
  });

  it("socket types - compatible() is RFC 37's table, symmetric, for every pair", () => {
    const isLegal = (a: string, b: string) => legal.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
    for (const a of names) for (const b of names) expect([a, b, compatible(a, b)]).toEqual([a, b, isLegal(a, b)]);
  });

  it('socket types - takes rxzmq names too, and knows nothing of unknown names', () => {
    expect(compatible('pub', 'SUB')).toBe(true);
    expect(compatible('dealer', 'router')).toBe(true);
    expect(compatible('push', 'PUB')).toBe(false);
    expect(compatible('PUSH', 'SERVER')).toBe(false);
    expect(compatible('CLIENT', 'SERVER')).toBe(true);
    expect(compatible('constructor', 'constructor')).toBe(false);
    // A peer's Socket-Type is a wire name, matched exactly (found by socket fuzzing: 'push' was taken for PUSH).
    expect(acceptsPeer('PULL', 'PUSH')).toBe(true);
    expect(acceptsPeer('PULL', 'push')).toBe(false);
    expect(acceptsPeer('pull', 'PUSH')).toBe(true);
    expect(compatible('Push', 'PULL')).toBe(false);
    expect(compatible('FOO', 'PULL')).toBe(false);
  });
});

describe('FrameParser', () => {
  // One stream with everything: short, long and empty frames, multipart
  // messages, commands between messages, and a small body in a long header.
  const big = Buffer.alloc(70000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  const stream = join([
    ...encodeReady({ 'Socket-Type': 'PUSH' }),
    ...encodeMessage([Buffer.from('hello')]),
    ...encodeMessage([Buffer.alloc(0), Buffer.alloc(255, 1), Buffer.alloc(256, 2), big]),
    ...encodePing(10, Buffer.from('c')),
    ...encodeMessage([Buffer.alloc(0)]),
    bytes(0x02, [0, 0, 0, 0, 0, 0, 0, 5], 'long5'), // a long header is allowed for a short body
    ...encodeSubscribe(Buffer.from('topic')),
    ...encodeMessage([Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]),
  ]);
  const expected = parseChunks([stream]);

  it('parser - reads every message and command in order', () => {
    expect(expected.map((e) => (e[0] === 'command' ? e[1] : e[1].length))).toEqual([
      'READY', 1, 4, 'PING', 1, 1, 'SUBSCRIBE', 3,
    ]);
    expect(expected[0]).toEqual(['command', 'READY', encodeMetadata({ 'Socket-Type': 'PUSH' }).toString('hex')]);
    expect(expected[2]).toEqual([
      'message',
      ['', Buffer.alloc(255, 1).toString('hex'), Buffer.alloc(256, 2).toString('hex'), big.toString('hex')],
    ]);
    expect(expected[3]).toEqual(['command', 'PING', '000a63']);
    expect(expected[5]).toEqual(['message', [Buffer.from('long5').toString('hex')]]);
    expect(expected[6]).toEqual(['command', 'SUBSCRIBE', Buffer.from('topic').toString('hex')]);
  });

  it('parser - the same events in 1-byte chunks', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) chunks.push(stream.subarray(i, i + 1));
    expect(parseChunks(chunks)).toEqual(expected);
  });

  it('parser - the same events in random splits', () => {
    const random = prng(42);
    for (let run = 0; run < 50; run++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * stream.length));
      expect(parseChunks(splitAt(stream, cuts))).toEqual(expected);
    }
  });

  it('parser - the same events cut in two at every offset around the small frames', () => {
    const head = stream.subarray(0, 600);
    const headEvents = parseChunks([head, stream.subarray(600)]);
    for (let cut = 0; cut <= head.length; cut++) {
      expect(parseChunks([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(headEvents);
    }
  });

  it('parser - a frame within one chunk shares its memory; a frame across chunks is a copy', () => {
    const { parser, messages } = recorder();
    const chunk = join(encodeMessage([Buffer.from('within'), Buffer.from('across')]));
    parser.push(chunk.subarray(0, 12));
    parser.push(chunk.subarray(12));
    const [within, across] = messages[0];
    expect(within.toString()).toBe('within');
    expect(across.toString()).toBe('across');
    expect(within.buffer).toBe(chunk.buffer);
    expect(within.byteOffset).toBe(chunk.byteOffset + 2);
    chunk.fill(0x2a); // the slice sees it; the copy does not
    expect(within.toString()).toBe('******');
    expect(across.toString()).toBe('across');
  });

  it('parser - a body that lies wholly in the chunk after its header is a slice of that chunk', () => {
    const { parser, messages } = recorder();
    const body = Buffer.from('next chunk');
    parser.push(frameHeader(body.length, false, false));
    parser.push(body);
    expect(messages[0][0]).toEqual(body);
    expect(messages[0][0].buffer).toBe(body.buffer);
    expect(messages[0][0].byteOffset).toBe(body.byteOffset);
  });

  it('parser - buffered counts the incomplete message, a partial header and a partial body', () => {
    const { parser, messages } = recorder();
    const chunk = join(encodeMessage([Buffer.from('abc'), Buffer.alloc(300, 5)]));
    parser.push(chunk.subarray(0, 5)); // first frame complete, held
    expect(parser.buffered).toBe(3);
    parser.push(chunk.subarray(5, 9)); // 4 of 9 header bytes
    expect(parser.buffered).toBe(7);
    parser.push(chunk.subarray(9, 20)); // header done, 6 body bytes
    expect(parser.buffered).toBe(9);
    parser.push(chunk.subarray(20));
    expect(parser.buffered).toBe(0);
    expect(messages[0].map((f) => f.length)).toEqual([3, 300]);
  });

  it('parser - reserved flag bits are ignored, as libzmq does', () => {
    const { parser, events } = recorder();
    parser.push(bytes(0xf8, 1, 'x'));
    expect(events).toEqual([['message', ['78']]]);
  });

  describe('parser - maxMessageSize', () => {
    it('accepts a message of exactly the limit, empty frames under a limit of 0', () => {
      const { parser, messages } = recorder(10);
      parser.push(join(encodeMessage([Buffer.alloc(4), Buffer.alloc(6)])));
      expect(messages).toHaveLength(1);
      const zero = recorder(0);
      zero.parser.push(join(encodeMessage([Buffer.alloc(0), Buffer.alloc(0)])));
      expect(zero.messages).toHaveLength(1);
      expect(reasonOf(() => zero.parser.push(bytes(0, 1, 'x')))).toBe('frame-too-large');
    });

    it('refuses a frame on its header alone, before buffering anything of its body', () => {
      const { parser } = recorder(1000);
      expect(reasonOf(() => parser.push(bytes(0x02, [0, 0, 0x01, 0, 0, 0, 0, 0])))).toBe('frame-too-large');
      expect(parser.buffered).toBe(0);
      const split = recorder(100);
      split.parser.push(bytes(0x02, [0, 0, 0]));
      expect(reasonOf(() => split.parser.push(bytes([0, 0, 0, 0, 101], 'x')))).toBe('frame-too-large');
    });

    it('counts the whole multipart message', () => {
      const { parser, messages } = recorder(10);
      parser.push(join(encodeMessage([Buffer.alloc(6)])));
      parser.push(frameHeader(6, true, false));
      parser.push(Buffer.alloc(6));
      expect(reasonOf(() => parser.push(frameHeader(5, false, false)))).toBe('frame-too-large');
      expect(messages).toHaveLength(1);
    });

    it('applies to commands too', () => {
      const { parser } = recorder(10);
      expect(reasonOf(() => parser.push(join(encodeReady({ 'Socket-Type': 'PULL' }))))).toBe('frame-too-large');
    });

    it('refuses sizes no Buffer can hold even without a limit, and sizes past 2^63', () => {
      expect(reasonOf(() => recorder().parser.push(bytes(0x02, [0, 0, 0x10, 0, 0, 0, 0, 0])))).toBe('frame-too-large');
      expect(reasonOf(() => recorder().parser.push(bytes(0x02, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])))).toBe(
        'frame-too-large',
      );
    });

    it('refuses a bad limit', () => {
      const callbacks = { onMessage: () => undefined, onCommand: () => undefined };
      expect(() => new FrameParser({ ...callbacks, maxMessageSize: -2 })).toThrow(TypeError);
      expect(() => new FrameParser({ ...callbacks, maxMessageSize: 1.5 })).toThrow(TypeError);
      expect(() => new FrameParser({ ...callbacks, maxMessageSize: -1 })).not.toThrow();
    });
  });

  describe('parser - malformed commands', () => {
    it.each([
      ['a command with MORE', bytes(0x05, 5, 4, 'PING')],
      ['a command inside a multipart message', join([...encodeMessage([Buffer.from('a'), Buffer.from('b')]).slice(0, 2), ...encodePong(Buffer.alloc(0))])],
      ['an empty command', bytes(0x04, 0)],
      ['a command with an empty name', bytes(0x04, 1, 0)],
      ['a name longer than the command', bytes(0x04, 3, 5, 'PI')],
      ['a name that is not letters', bytes(0x04, 5, 4, 'P1NG')],
      ['a name with a NUL', bytes(0x04, 5, 4, 'PIN\0')],
    ])('refuses %s', (_, input) => {
      expect(reasonOf(() => recorder().parser.push(input))).toBe('bad-command');
    });

    it('a command with MORE is refused on its header, before its body arrives', () => {
      expect(reasonOf(() => recorder().parser.push(bytes(0x07, [0, 0, 0, 0, 0, 0, 0x10, 0])))).toBe('bad-command');
    });
  });

  it('parser - refuses all input after an error, with the same error', () => {
    const { parser, events } = recorder();
    let first: unknown;
    try {
      parser.push(bytes(0x04, 0));
    } catch (err) {
      first = err;
    }
    expect(first).toBeInstanceOf(ZmtpProtocolError);
    expect(() => parser.push(join(encodeMessage([Buffer.from('ok')])))).toThrow(first as Error);
    expect(events).toEqual([]);
  });

  it('parser - a callback that throws ends the parser too', () => {
    const parser = new FrameParser({
      onMessage: () => {
        throw new Error('consumer failed');
      },
      onCommand: () => undefined,
    });
    expect(() => parser.push(join(encodeMessage([Buffer.from('x')])))).toThrow('consumer failed');
    expect(() => parser.push(join(encodeMessage([Buffer.from('y')])))).toThrow('consumer failed');
  });
});
