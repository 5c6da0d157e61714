/**
 * The aiozmq.rpc wire codec, byte for byte against the frames captured from
 * the real aiozmq 1.0.0 in ../shared/PROTOCOLS.md (section 1), and against
 * every malformed input the decoders must refuse.
 */
import {
  AIOZMQ_NOT_FOUND_ERROR,
  AIOZMQ_PARAMETERS_ERROR,
  AiozmqProtocolError,
  ExtData,
  PYTHON_BUILTIN_EXCEPTIONS,
  createHeaderPrefix,
  createPacker,
  decodeNotify,
  decodePublish,
  decodeReply,
  decodeRequest,
  defaultPacker,
  encodeNotify,
  encodePublish,
  encodeReply,
  encodeRequest,
  exceptionMessage,
  exceptionRepr,
  fromPythonName,
  nextRequestId,
  packReplyHeader,
  packRequestHeader,
  pythonRepr,
  toPythonName,
  topicFrame,
  unpackReplyHeader,
  unpackRequestHeader,
  type AiozmqProtocolErrorReason,
} from '../../src/rpc/aiozmq';

const h = (text: string): Buffer => Buffer.from(text.replace(/[\s|]/g, ''), 'hex');
const hex = (frames: readonly Buffer[]): string => frames.map((f) => f.toString('hex')).join(' | ');
const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

// Captured add(1, 2): request and reply headers.
const ADD_REQUEST_HEADER = 'a54db9fc 01000000 d2f1177ed7c0da41';
const ADD_REPLY_HEADER = 'a54d100d 01000000 a9fe177ed7c0da41 00';
const FAIL_VALUE_BODY =
  '93' + 'b3' + utf8('builtins.ValueError') + '92' + 'a9' + utf8('bad value') + '2a' + 'bb' + utf8("ValueError('bad value', 42)");
// Captured pickle of datetime(2024, 1, 2, 3, 4, 5, 6) as aiozmq packs it (ext 126).
const DATETIME_EXT =
  'c7357e8005952a000000000000008c086461746574696d65948c086461746574696d65949394430a07e8010203040500000694859452942e';

/** The reason of the AiozmqProtocolError `fn` throws (fails the test if it throws anything else). */
function reasonOf(fn: () => unknown): AiozmqProtocolErrorReason {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AiozmqProtocolError);
    return (err as AiozmqProtocolError).reason;
  }
  throw new Error('expected an AiozmqProtocolError');
}

function errorOf(fn: () => unknown): AiozmqProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AiozmqProtocolError);
    return err as AiozmqProtocolError;
  }
  throw new Error('expected an AiozmqProtocolError');
}

describe('aiozmq headers', () => {
  it('should unpack and repack the captured request header', () => {
    const header = unpackRequestHeader(h(ADD_REQUEST_HEADER));
    expect(header).toMatchObject({ pid: 0x4da5, random: 0xfcb9, requestId: 1 });
    expect(header.time).toBeCloseTo(1795382776.374, 2);
    expect(packRequestHeader(header).toString('hex')).toBe(h(ADD_REQUEST_HEADER).toString('hex'));
  });

  it('should unpack and repack the captured reply header', () => {
    const header = unpackReplyHeader(h(ADD_REPLY_HEADER));
    expect(header).toMatchObject({ pid: 0x4da5, random: 0x0d10, requestId: 1, isError: false });
    expect(packReplyHeader(header).toString('hex')).toBe(h(ADD_REPLY_HEADER).toString('hex'));
  });

  it('should read any nonzero error byte as an error, as Python does', () => {
    const bytes = h(ADD_REPLY_HEADER);
    bytes[16] = 2;
    expect(unpackReplyHeader(bytes).isError).toBe(true);
    expect(packReplyHeader({ ...unpackReplyHeader(bytes), isError: true })[16]).toBe(1);
  });

  it('should start request ids at 1 and wrap to 0 after 0xFFFFFFFF', () => {
    expect(nextRequestId(0)).toBe(1);
    expect(nextRequestId(41)).toBe(42);
    expect(nextRequestId(0xfffffffe)).toBe(0xffffffff);
    expect(nextRequestId(0xffffffff)).toBe(0);
    const top = packRequestHeader({ pid: 1, random: 2, requestId: 0xffffffff, time: 0 });
    expect(top.subarray(4, 8).toString('hex')).toBe('ffffffff');
  });

  it('should make a prefix of pid % 65536 and a random u16', () => {
    expect(createHeaderPrefix(70000, 5)).toEqual({ pid: 70000 % 65536, random: 5 });
    const prefix = createHeaderPrefix();
    expect(prefix.pid).toBe(process.pid % 65536);
    expect(Number.isInteger(prefix.random) && prefix.random >= 0 && prefix.random < 65536).toBe(true);
  });

  it('should refuse headers of the wrong size and fields out of range', () => {
    expect(reasonOf(() => unpackRequestHeader(Buffer.alloc(15)))).toBe('header');
    expect(reasonOf(() => unpackRequestHeader(Buffer.alloc(17)))).toBe('header');
    expect(reasonOf(() => unpackReplyHeader(Buffer.alloc(16)))).toBe('header');
    expect(() => packRequestHeader({ pid: 65536, random: 0, requestId: 1, time: 0 })).toThrow(RangeError);
    expect(() => packRequestHeader({ pid: 0, random: 0, requestId: 2 ** 32, time: 0 })).toThrow(RangeError);
  });
});

describe('aiozmq requests', () => {
  const header = unpackRequestHeader(h(ADD_REQUEST_HEADER));

  it('should encode add(1, 2) as captured', () => {
    const frames = encodeRequest({ header, method: 'add', args: [1, 2] });
    expect(hex(frames)).toBe('a54db9fc01000000d2f1177ed7c0da41 | 616464 | 920102 | 80');
    expect(hex(encodeRequest({ header: h(ADD_REQUEST_HEADER), method: 'add', args: [1, 2], kwargs: {} }))).toBe(hex(frames));
  });

  it('should encode keyword arguments and dotted names as captured', () => {
    const kw = encodeRequest({ header, method: 'kw', args: [1], kwargs: { b: 2, c: 'x' } });
    expect(hex(kw.slice(2))).toBe('9101 | 82a16202a163a178');
    expect(hex(encodeRequest({ header, method: 'ns.mul', args: [2, 3] }).slice(1, 2))).toBe('6e732e6d756c');
    expect(hex(encodeRequest({ header, method: 'f' }).slice(2))).toBe('90 | 80');
  });

  it('should refuse to encode an empty method name, args that are no array, kwargs that are no plain object', () => {
    expect(() => encodeRequest({ header, method: '' })).toThrow(TypeError);
    expect(() => encodeRequest({ header: Buffer.alloc(15), method: 'f' })).toThrow(TypeError);
    expect(() => encodeRequest({ header, method: 'f', args: {} as unknown as unknown[] })).toThrow(TypeError);
    expect(() => encodeRequest({ header, method: 'f', kwargs: [] as unknown as Record<string, unknown> })).toThrow(TypeError);
    expect(() => encodeRequest({ header, method: 'f', kwargs: new Map() as unknown as Record<string, unknown> })).toThrow(TypeError);
    expect(() => encodeRequest({ header, method: 'f', args: [() => 1] })).toThrow(TypeError);
  });

  it('should decode the last four frames and keep the frames before them as the envelope', () => {
    const routingId = h('00e43c9869');
    const frames = [routingId, Buffer.alloc(0), ...encodeRequest({ header, method: 'kw', args: [1], kwargs: { c: 'y' } })];
    const call = decodeRequest(frames);
    expect(call.envelope).toEqual([routingId, Buffer.alloc(0)]);
    expect(call.headerBytes.toString('hex')).toBe(h(ADD_REQUEST_HEADER).toString('hex'));
    expect(call).toMatchObject({ requestId: 1, method: 'kw', args: [1], kwargs: { c: 'y' }, header: { pid: 0x4da5 } });
  });

  it('should accept an empty method name (the server answers NotFoundError) and keep a BOM', () => {
    const frames = [h(ADD_REQUEST_HEADER), Buffer.alloc(0), h('90'), h('80')];
    expect(decodeRequest(frames).method).toBe('');
    expect(decodeRequest([h(ADD_REQUEST_HEADER), h('efbbbf61'), h('90'), h('80')]).method).toBe('\ufeffa');
  });

  describe('malformed', () => {
    const good = (): Buffer[] => [h('0a'), ...encodeRequest({ header, method: 'add', args: [1, 2] })];
    const withFrame = (index: number, frame: Buffer): Buffer[] => {
      const frames = good();
      frames[index] = frame;
      return frames;
    };

    it('should refuse fewer than four frames', () => {
      expect(reasonOf(() => decodeRequest(good().slice(2)))).toBe('frame-count');
      expect(reasonOf(() => decodeRequest([]))).toBe('frame-count');
    });

    it('should refuse a header that is not 16 bytes, with the envelope', () => {
      const error = errorOf(() => decodeRequest(withFrame(1, Buffer.alloc(17))));
      expect(error.reason).toBe('header');
      expect(error.envelope).toEqual([h('0a')]);
      expect(error.requestId).toBeUndefined();
      // The routing id read as the header when the client sent only three frames.
      expect(reasonOf(() => decodeRequest(good().slice(0, 4)))).toBe('header');
    });

    it('should refuse a method name that is not UTF-8, with the request id', () => {
      const error = errorOf(() => decodeRequest(withFrame(2, h('ff61'))));
      expect(error).toMatchObject({ reason: 'method', requestId: 1, envelope: [h('0a')] });
      expect(error.headerBytes?.toString('hex')).toBe(h(ADD_REQUEST_HEADER).toString('hex'));
    });

    it.each([
      ['an invalid byte', 'c1'],
      ['a truncated array', '9201'],
      ['trailing bytes', '900000'],
      ['an empty frame', ''],
      ['a truncated ext', 'c9'],
    ])('should refuse args with %s as bad msgpack', (_, bytes) => {
      expect(errorOf(() => decodeRequest(withFrame(3, h(bytes))))).toMatchObject({ reason: 'msgpack', requestId: 1 });
    });

    it('should refuse args that are no array and kwargs that are no map', () => {
      expect(reasonOf(() => decodeRequest(withFrame(3, h('01'))))).toBe('args');
      expect(reasonOf(() => decodeRequest(withFrame(3, h('80'))))).toBe('args');
      expect(reasonOf(() => decodeRequest(withFrame(4, h('90'))))).toBe('kwargs');
      expect(reasonOf(() => decodeRequest(withFrame(4, h('c0'))))).toBe('kwargs');
      expect(reasonOf(() => decodeRequest(withFrame(4, h('d6ff00000001'))))).toBe('kwargs');
    });

    it('should refuse a map key that is not a string, at any depth', () => {
      expect(reasonOf(() => decodeRequest(withFrame(4, h('810102'))))).toBe('map-key');
      expect(reasonOf(() => decodeRequest(withFrame(3, h('9181c4016101'))))).toBe('map-key');
      expect(reasonOf(() => decodeRequest(withFrame(3, h('91 81 c0 01'))))).toBe('map-key');
    });
  });
});

describe('aiozmq replies', () => {
  const requestHeader = h(ADD_REQUEST_HEADER);
  const server = unpackReplyHeader(h(ADD_REPLY_HEADER));
  const serverHeaderFields = { pid: server.pid, random: server.random, time: server.time };

  it('should encode the captured add(1, 2) reply', () => {
    expect(hex(encodeReply({ requestHeader, serverHeaderFields, result: 3 }))).toBe(
      'a54d100d01000000a9fe177ed7c0da4100 | 03',
    );
  });

  it('should put the envelope in front and echo the request id bytes verbatim', () => {
    const envelope = [h('00e43c9869'), Buffer.alloc(0)];
    const bigEndian = packRequestHeader({ pid: 1, random: 2, requestId: 0x01000000, time: 0 });
    const frames = encodeReply({ envelope, requestHeader: bigEndian, serverHeaderFields, result: null });
    expect(frames.slice(0, 2)).toEqual(envelope);
    expect(frames[2].subarray(4, 8).toString('hex')).toBe('00000001');
    expect(frames[3].toString('hex')).toBe('c0');
  });

  it('should fill in the time when it is left out', () => {
    const before = Date.now() / 1000;
    const [header] = encodeReply({ requestHeader, serverHeaderFields: { pid: 1, random: 2 }, result: 1 });
    expect(unpackReplyHeader(header).time).toBeGreaterThanOrEqual(before - 0.001);
  });

  it('should encode the captured fail_value() error body', () => {
    const error = { name: 'builtins.ValueError', message: 'bad value', args: ['bad value', 42] };
    const frames = encodeReply({ requestHeader, serverHeaderFields, error });
    expect(frames[0][16]).toBe(1);
    expect(frames[1].toString('hex')).toBe(FAIL_VALUE_BODY);
    expect(hex([frames[1]])).toBe(hex([encodeReply({ requestHeader, serverHeaderFields, error: { ...error, name: 'ValueError' } })[1]]));
  });

  it('should send JavaScript error names under their Python names', () => {
    const body = (name: string, args: unknown[] = ['m']) =>
      defaultPacker.unpack(encodeReply({ requestHeader, serverHeaderFields, error: { name, message: 'm', args } })[1]);
    expect(body('TypeError')).toEqual(['builtins.TypeError', ['m'], "TypeError('m')"]);
    expect(body('RangeError')).toEqual(['builtins.ValueError', ['m'], "ValueError('m')"]);
    expect(body('NotFoundError', ['ns.f'])).toEqual([AIOZMQ_NOT_FOUND_ERROR, ['ns.f'], "NotFoundError('ns.f')"]);
    expect(body('ParameterError')).toEqual([AIOZMQ_PARAMETERS_ERROR, ['m'], "ParametersError('m')"]);
    expect(body('MyError', [])).toEqual(['MyError', [], 'MyError()']);
    expect(body('__main__.MyError', [1])).toEqual(['__main__.MyError', [1], 'MyError(1)']);
    expect(body('')).toEqual(['builtins.Exception', ['m'], "Exception('m')"]);
  });

  it('should answer an unpackable result with a TypeError, and unpackable error args with the message', () => {
    const unpackable = encodeReply({ requestHeader, serverHeaderFields, result: [Symbol('s')] });
    expect(unpackable[0][16]).toBe(1);
    const [name, args] = defaultPacker.unpack(unpackable[1]) as [string, string[]];
    expect(name).toBe('builtins.TypeError');
    expect(args[0]).toContain('cannot pack');
    const error = { name: 'ValueError', message: 'bad', args: ['bad', () => 1] };
    const fallback = encodeReply({ requestHeader, serverHeaderFields, error });
    expect(defaultPacker.unpack(fallback[1])).toEqual(['builtins.ValueError', ['bad'], "ValueError('bad')"]);
  });

  it('should refuse a request header too short to hold an id', () => {
    expect(() => encodeReply({ requestHeader: Buffer.alloc(7), serverHeaderFields, result: 1 })).toThrow(TypeError);
  });

  it('should decode the captured add and kw replies', () => {
    expect(decodeReply([h(ADD_REPLY_HEADER), h('03')])).toMatchObject({ requestId: 1, isError: false, value: 3 });
    expect(decodeReply([h(ADD_REPLY_HEADER), h('930102a178')])).toMatchObject({ value: [1, 2, 'x'] });
  });

  it('should decode the captured fail_value() error as a WireError with the Python name', () => {
    const header = h(ADD_REPLY_HEADER);
    header[16] = 1;
    const reply = decodeReply([header, h(FAIL_VALUE_BODY)]);
    expect(reply).toEqual({
      requestId: 1,
      header: expect.objectContaining({ isError: true }),
      isError: true,
      error: { name: 'builtins.ValueError', message: "('bad value', 42)", args: ['bad value', 42] },
      repr: "ValueError('bad value', 42)",
    });
  });

  describe('malformed', () => {
    const errorHeader = (): Buffer => {
      const header = h(ADD_REPLY_HEADER);
      header[16] = 1;
      return header;
    };

    it('should refuse anything but exactly two frames', () => {
      expect(reasonOf(() => decodeReply([h(ADD_REPLY_HEADER)]))).toBe('frame-count');
      expect(reasonOf(() => decodeReply([h('0a'), h(ADD_REPLY_HEADER), h('03')]))).toBe('frame-count');
    });

    it('should refuse a header that is not 17 bytes', () => {
      expect(reasonOf(() => decodeReply([h(ADD_REQUEST_HEADER), h('03')]))).toBe('header');
    });

    it('should refuse a bad body, keeping the request id', () => {
      expect(errorOf(() => decodeReply([h(ADD_REPLY_HEADER), h('92')]))).toMatchObject({ reason: 'msgpack', requestId: 1 });
      expect(errorOf(() => decodeReply([h(ADD_REPLY_HEADER), h('810101')]))).toMatchObject({ reason: 'map-key', requestId: 1 });
    });

    it('should refuse an error body of 2 elements (aiozmq hangs on it) or of the wrong types', () => {
      const two = defaultPacker.pack(['builtins.ValueError', ['x']]);
      expect(errorOf(() => decodeReply([errorHeader(), two]))).toMatchObject({ reason: 'error-body', requestId: 1 });
      for (const body of [['a', ['x'], 'r', 4], [1, [], 'r'], ['a', 'x', 'r'], ['a', [], null], 'ValueError']) {
        expect(reasonOf(() => decodeReply([errorHeader(), defaultPacker.pack(body)]))).toBe('error-body');
      }
    });
  });
});

describe('aiozmq pipeline and pub-sub', () => {
  it('should encode notify.log("x", level=1) as captured', () => {
    const frames = encodeNotify({ method: 'log', args: ['x'], kwargs: { level: 1 } });
    expect(hex(frames)).toBe('6c6f67 | 91a178 | 81a56c6576656c01');
    expect(decodeNotify(frames)).toEqual({ method: 'log', args: ['x'], kwargs: { level: 1 } });
  });

  it('should refuse notifications of anything but three frames', () => {
    const frames = encodeNotify({ method: 'log' });
    expect(reasonOf(() => decodeNotify(frames.slice(1)))).toBe('frame-count');
    expect(reasonOf(() => decodeNotify([h('6e657773'), ...frames]))).toBe('frame-count');
    expect(reasonOf(() => decodeNotify([frames[0], h('81'), frames[2]]))).toBe('msgpack');
  });

  it("should encode publish('news').log('x', level=1) as captured", () => {
    const frames = encodePublish({ topic: 'news', method: 'log', args: ['x'], kwargs: { level: 1 } });
    expect(hex(frames)).toBe('6e657773 | 6c6f67 | 91a178 | 81a56c6576656c01');
    const publication = decodePublish(frames);
    expect(publication.topic.toString()).toBe('news');
    expect(publication).toMatchObject({ method: 'log', args: ['x'], kwargs: { level: 1 } });
  });

  it('should make topic frames from strings, bytes, null and undefined', () => {
    expect(topicFrame('né').toString('hex')).toBe('6ec3a9');
    expect(topicFrame(new Uint8Array([0, 1])).toString('hex')).toBe('0001');
    expect(topicFrame(null).length).toBe(0);
    expect(topicFrame(undefined).length).toBe(0);
    expect(() => topicFrame(5 as unknown as string)).toThrow(TypeError);
    expect(encodePublish({ topic: null, method: 'f' })[0].length).toBe(0);
  });

  it('should refuse publications of anything but four frames', () => {
    const frames = encodePublish({ topic: 'news', method: 'log' });
    expect(reasonOf(() => decodePublish(frames.slice(1)))).toBe('frame-count');
    expect(reasonOf(() => decodePublish([...frames, h('00')]))).toBe('frame-count');
  });
});

describe('aiozmq values', () => {
  const packer = createPacker();
  const packed = (value: unknown): string => packer.pack(value).toString('hex');

  it('should pack as aiozmq packs: str as str, bytes as bin, ints minimal, floats as float64', () => {
    // Python: _Packer().packb((2**40, -(2**40), 2**64-1, 2**53+1, 1.5, 'a', b'a', None, True))
    expect(packed([2 ** 40, -(2 ** 40), 2n ** 64n - 1n, 2n ** 53n + 1n, 1.5, 'a', Buffer.from('a'), null, true])).toBe(
      '99cf0000010000000000d3ffffff0000000000cfffffffffffffffffcf0020000000000001cb3ff8000000000000a161c40161c0c3',
    );
    expect(packed({ k: [1, [2]] })).toBe('81a16b92019102');
    expect(packed('x'.repeat(40)).slice(0, 8)).toBe('d9287878');
    expect(packed(new Uint8Array([1]))).toBe('c40101');
    expect(packed(undefined)).toBe('c0');
    expect(packed([1n, -1n, 2n ** 32n])).toBe('9301ffcf0000000100000000');
  });

  it('should decode arrays as arrays, bin as bytes, and 64-bit ints as numbers when exact', () => {
    const value = packer.unpack(h('99cf0000010000000000d3ffffff0000000000cfffffffffffffffffcf0020000000000001cb3ff8000000000000a161c40161c0c3'));
    expect(value).toEqual([2 ** 40, -(2 ** 40), 2n ** 64n - 1n, 2n ** 53n + 1n, 1.5, 'a', expect.any(Uint8Array), null, true]);
    expect(Buffer.from((value as Uint8Array[])[6]).toString()).toBe('a');
  });

  it('should refuse what has no MessagePack form', () => {
    expect(() => packer.pack(2n ** 64n)).toThrow(TypeError);
    expect(() => packer.pack([-(2n ** 63n) - 1n])).toThrow(TypeError);
    expect(() => packer.pack(new Map([['a', 1]]))).toThrow(TypeError);
    expect(() => packer.pack(new Set([1]))).toThrow(TypeError);
    expect(() => packer.pack({ f: () => 1 })).toThrow(TypeError);
    expect(() => packer.pack(Symbol('s'))).toThrow(TypeError);
  });

  it('should refuse map keys that are not strings', () => {
    expect(reasonOf(() => packer.unpack(h('8101a161')))).toBe('map-key');
    expect(reasonOf(() => packer.unpack(h('81c40161a161')))).toBe('map-key');
    expect(packer.unpack(h('81a161a162'))).toEqual({ a: 'b' });
  });

  it('should map Date to the msgpack timestamp (ext -1) and back', () => {
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    const bytes = packer.pack(when);
    expect(bytes[0]).toBe(0xd7);
    expect(bytes[1]).toBe(0xff);
    expect((packer.unpack(bytes) as Date).getTime()).toBe(when.getTime());
    // msgpack.Timestamp(1704164645, 6000000) as Python packs it.
    expect((packer.unpack(h('d7ff016e360065937d25')) as Date).getTime()).toBe(1704164645006);
    expect(packed(new Date(1000))).toBe('d6ff00000001');
  });

  it('should keep unknown extension types, pickles included, opaque and pack them back unchanged', () => {
    const datetime = packer.unpack(h(DATETIME_EXT)) as ExtData;
    expect(datetime).toBeInstanceOf(ExtData);
    expect(datetime.type).toBe(126);
    expect(packed(datetime)).toBe(DATETIME_EXT);
    expect(packed([new ExtData(5, new Uint8Array([1, 2]))])).toBe('91d5050102');
    expect(packer.unpack(h('91d5050102'))).toEqual([new ExtData(5, new Uint8Array([1, 2]))]);
  });

  describe('translation table', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    class Point3 extends Point {}
    const pointTranslator = (tag: number) => ({
      Class: Point,
      pack: (p: Point) => new Uint8Array([tag, p.x, p.y]),
      unpack: (data: Uint8Array) => new Point(data[1], data[2]),
    });

    it('should pack a class by its code and unpack it back', () => {
      const points = createPacker({ translationTable: { 1: pointTranslator(0) } });
      expect(points.pack([new Point(1, 2)]).toString('hex')).toBe('91c703' + '01' + '000102');
      expect(points.unpack(h('91c70301000102'))).toEqual([new Point(1, 2)]);
      expect(points.unpack(points.pack(new Point3(3, 4)))).toEqual(new Point(3, 4));
    });

    it('should choose the exact class first, then the lowest code the value is an instance of', () => {
      const table = {
        3: pointTranslator(3),
        7: { Class: Point3, pack: () => new Uint8Array([7]), unpack: () => new Point3(0, 0) },
        9: pointTranslator(9),
      };
      const mixed = createPacker({ translationTable: table });
      expect(mixed.pack(new Point3(1, 1)).toString('hex')).toBe('d40707');
      // Point is listed twice: as in aiozmq, the exact-class entry with the highest code wins.
      expect(mixed.pack(new Point(1, 1)).toString('hex')).toBe('c70309090101');
      class Point4 extends Point3 {}
      expect(mixed.pack(new Point4(1, 1)).toString('hex')).toBe('c70303030101');
    });

    it('should let the table claim Date and the pickle codes', () => {
      const claims = createPacker({
        translationTable: {
          126: { Class: Date, pack: () => new Uint8Array([0]), unpack: (data) => `pickle of ${data.length} bytes` },
        },
      });
      expect(claims.pack(new Date(0)).toString('hex')).toBe('d47e00');
      expect(claims.unpack(h(DATETIME_EXT))).toBe('pickle of 53 bytes');
    });

    it('should refuse bad tables and report unpack failures as bad msgpack', () => {
      expect(() => createPacker({ translationTable: { 128: pointTranslator(0) } })).toThrow(TypeError);
      expect(() => createPacker({ translationTable: { [-1]: pointTranslator(0) } })).toThrow(TypeError);
      expect(() => createPacker({ translationTable: { 1: { Class: Point } as never } })).toThrow(TypeError);
      const failing = createPacker({
        translationTable: {
          1: {
            Class: Point,
            pack: () => new Uint8Array(),
            unpack: () => {
              throw new Error('no');
            },
          },
        },
      });
      expect(reasonOf(() => failing.unpack(h('d40100')))).toBe('msgpack');
    });
  });
});

describe('aiozmq error names', () => {
  it('should list the Python 3.11 built-in exceptions', () => {
    expect(PYTHON_BUILTIN_EXCEPTIONS).toHaveLength(69);
    expect(PYTHON_BUILTIN_EXCEPTIONS).toEqual(expect.arrayContaining(['ValueError', 'KeyError', 'TimeoutError', 'BaseException']));
  });

  it.each([
    ['TypeError', 'builtins.TypeError'],
    ['ValueError', 'builtins.ValueError'],
    ['KeyError', 'builtins.KeyError'],
    ['SyntaxError', 'builtins.SyntaxError'],
    ['Error', 'builtins.Exception'],
    ['RangeError', 'builtins.ValueError'],
    ['URIError', 'builtins.ValueError'],
    ['ReferenceError', 'builtins.NameError'],
    ['AggregateError', 'builtins.Exception'],
    ['NotFoundError', AIOZMQ_NOT_FOUND_ERROR],
    ['ParameterError', AIOZMQ_PARAMETERS_ERROR],
    ['UnicodeDecodeError', 'UnicodeDecodeError'],
    ['ExceptionGroup', 'ExceptionGroup'],
    ['MyError', 'MyError'],
    ['__main__.MyError', '__main__.MyError'],
  ])('should send %s as %s', (js, python) => {
    expect(toPythonName(js)).toBe(python);
  });

  it.each([
    ['builtins.ValueError', 'ValueError'],
    ['builtins.TypeError', 'TypeError'],
    ['builtins.Exception', 'Error'],
    ['builtins.NameError', 'ReferenceError'],
    [AIOZMQ_NOT_FOUND_ERROR, 'NotFoundError'],
    [AIOZMQ_PARAMETERS_ERROR, 'ParameterError'],
    ['builtins.NoSuchError', 'builtins.NoSuchError'],
    ['asyncio.exceptions.InvalidStateError', 'asyncio.exceptions.InvalidStateError'],
    ['__main__.MyError', '__main__.MyError'],
  ])('should receive %s as %s', (python, js) => {
    expect(fromPythonName(python)).toBe(js);
  });

  it("should build Python's repr and str of an exception", () => {
    expect(exceptionRepr('builtins.ValueError', ['bad value', 42])).toBe("ValueError('bad value', 42)");
    expect(exceptionRepr('aiozmq.rpc.base.NotFoundError', ['x'])).toBe("NotFoundError('x')");
    expect(exceptionRepr('KeyError', [])).toBe('KeyError()');
    expect(exceptionMessage('builtins.ValueError', [])).toBe('');
    expect(exceptionMessage('builtins.ValueError', ['bad'])).toBe('bad');
    expect(exceptionMessage('builtins.ValueError', [42])).toBe('42');
    expect(exceptionMessage('builtins.ValueError', ['bad value', 42])).toBe("('bad value', 42)");
    expect(exceptionMessage('builtins.KeyError', ['k'])).toBe("'k'");
  });

  it("should build Python's repr of values as Python holds them", () => {
    expect(pythonRepr([null, true, false, 1, 0.5, 1.5e-5, 1e16, -0.0, NaN, -Infinity])).toBe(
      '(None, True, False, 1, 0.5, 1.5e-05, 1e+16, 0, nan, -inf)',
    );
    expect(pythonRepr(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pythonRepr(2 ** 53)).toBe('9007199254740992.0');
    expect(pythonRepr(123456789012345678)).toBe('1.2345678901234568e+17');
    expect(pythonRepr(["it's", 'a"b\'c', '\x00\t\n\r\\\x7f\x80\xa0\u2028é😀'])).toBe(
      `("it's", 'a"b\\'c', '\\x00\\t\\n\\r\\\\\\x7f\\x80\\xa0\\u2028é😀')`,
    );
    expect(pythonRepr([Buffer.from("a'b"), Buffer.from('a"b\'c'), Buffer.from([0, 9, 10, 13, 92, 127, 128])])).toBe(
      `(b"a'b", b'a"b\\'c', b'\\x00\\t\\n\\r\\\\\\x7f\\x80')`,
    );
    expect(pythonRepr([[1], [], { a: 1n }])).toBe("((1,), (), {'a': 1})");
    expect(pythonRepr(new Date(1704164645006))).toBe('Timestamp(seconds=1704164645, nanoseconds=6000000)');
    expect(pythonRepr(new ExtData(1, new Uint8Array([0x61])))).toBe("ExtType(code=1, data=b'a')");
  });
});
