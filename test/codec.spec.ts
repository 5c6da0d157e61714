import { ExtData } from '@msgpack/msgpack';
import { jsonCodec, msgpackCodec, utf8Codec, type MsgpackExtension } from '../src/operators/codec';
import { decode } from '../src/operators/decode';
import { encode } from '../src/operators/encode';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** A Point as ext type 1: two little-endian float64s. */
const pointExtension: MsgpackExtension<Point> = {
  type: 1,
  test: (value) => value instanceof Point,
  encode(p) {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, p.x, true);
    view.setFloat64(8, p.y, true);
    return bytes;
  },
  decode(data) {
    if (data.byteLength !== 16) throw new RangeError(`a Point is 16 bytes, got ${data.byteLength}`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return new Point(view.getFloat64(0, true), view.getFloat64(8, true));
  },
};

/** Node's TextDecoder throws a TypeError of Node's realm, not Jest's, so `toThrow(TypeError)` cannot tell. */
const invalidUtf8 = expect.objectContaining({ name: 'TypeError', code: 'ERR_ENCODING_INVALID_ENCODED_DATA' });

const nested = {
  id: 42,
  name: 'ünïcödé ✓',
  tags: ['a', 'b', ''],
  flags: { on: true, off: false, none: null },
  matrix: [
    [1, 2],
    [3.5, -4],
  ],
  big: 2 ** 53 - 1,
};

describe('msgpackCodec', () => {
  const codec = msgpackCodec();

  it('msgpackCodec - round trips nested values', () => {
    expect(codec.name).toBe('msgpack');
    expect(codec.decode(codec.encode(nested))).toEqual(nested);
  });

  it('msgpackCodec - encodes into a Buffer of exactly its bytes, so queued frames pin no encoder buffer', () => {
    const frame = codec.encode({ a: 1 });
    const next = codec.encode({ a: 2 });
    expect(Buffer.isBuffer(frame)).toBe(true);
    expect([...frame]).toEqual([0x81, 0xa1, 0x61, 0x01]);
    expect([...next]).toEqual([0x81, 0xa1, 0x61, 0x02]); // the shared encoder did not overwrite the first frame
    expect(frame.buffer.byteLength).toBe(frame.byteLength);
  });

  it('msgpackCodec - carries binary as msgpack bin and decodes it as Uint8Array', () => {
    const frame = codec.encode({ blob: new Uint8Array([0, 128, 255]) });
    expect([...frame]).toEqual([0x81, 0xa4, ...Buffer.from('blob'), 0xc4, 0x03, 0x00, 0x80, 0xff]);
    const fromPlainBytes = codec.decode(new Uint8Array(frame)) as { blob: Uint8Array };
    expect(fromPlainBytes.blob).toEqual(new Uint8Array([0, 128, 255]));
    // a Buffer frame yields a Buffer view into it
    const fromBuffer = codec.decode(frame) as { blob: Buffer };
    expect(Buffer.isBuffer(fromBuffer.blob)).toBe(true);
    expect(fromBuffer.blob.buffer).toBe(frame.buffer);
  });

  it('msgpackCodec - carries a custom class through an extension type', () => {
    const points = msgpackCodec({ extensions: [pointExtension] });
    const value = { at: new Point(1.5, -2), path: [new Point(0, 0), new Point(3, 4)] };
    const frame = points.encode(value);
    // fixext16 (0xd8), type 1, then the 16 payload bytes
    expect(frame.subarray(4, 6)).toEqual(Buffer.from([0xd8, 0x01]));
    const back = points.decode(frame) as typeof value;
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Point);
    expect(back.path[1]).toBeInstanceOf(Point);
  });

  it('msgpackCodec - decodes an unknown extension type to inert ExtData', () => {
    const frame = msgpackCodec({ extensions: [pointExtension] }).encode(new Point(1, 2));
    const back = codec.decode(frame);
    expect(back).toBeInstanceOf(ExtData);
    expect(back).toMatchObject({ type: 1 });
  });

  it('msgpackCodec - rejects a malformed extension payload', () => {
    const points = msgpackCodec({ extensions: [pointExtension] });
    expect(() => points.decode(Buffer.from([0xd4, 0x01, 0x00]))).toThrow('a Point is 16 bytes, got 1');
  });

  it('msgpackCodec - rejects truncated input, trailing bytes and an empty frame', () => {
    const frame = codec.encode(nested);
    expect(() => codec.decode(frame.subarray(0, frame.length - 3))).toThrow(RangeError);
    expect(() => codec.decode(Buffer.concat([frame, Buffer.from([0x01])]))).toThrow(/Extra 1 of/);
    expect(() => codec.decode(Buffer.alloc(0))).toThrow(RangeError);
  });

  it('msgpackCodec - refuses values msgpack cannot hold', () => {
    expect(() => codec.encode(() => 1)).toThrow(/Unrecognized object/);
  });

  it.each([-1, 128, 1.5, NaN, '1'])('msgpackCodec - rejects extension type %p when built', (type) => {
    const bad = { ...pointExtension, type } as unknown as MsgpackExtension;
    expect(() => msgpackCodec({ extensions: [bad] })).toThrow(TypeError);
    expect(() => msgpackCodec({ extensions: [bad] })).toThrow('extension type must be an integer from 0 to 127');
  });

  it('msgpackCodec - rejects a duplicate extension type when built', () => {
    const other: MsgpackExtension = { ...pointExtension, test: () => false };
    expect(() => msgpackCodec({ extensions: [pointExtension, other] })).toThrow(
      new TypeError('msgpackCodec: extension type 1 is given twice'),
    );
  });

  it('msgpackCodec - rejects an extension without its functions when built', () => {
    const bad = { type: 3, test: () => true, encode: () => new Uint8Array() } as unknown as MsgpackExtension;
    expect(() => msgpackCodec({ extensions: [bad] })).toThrow(
      new TypeError('msgpackCodec: extension type 3 has no decode function'),
    );
  });
});

describe('jsonCodec', () => {
  const codec = jsonCodec();

  it('jsonCodec - round trips nested values as UTF-8 JSON text', () => {
    const frame = codec.encode(nested);
    expect(codec.name).toBe('json');
    expect(Buffer.isBuffer(frame)).toBe(true);
    expect(frame.toString('utf8')).toBe(JSON.stringify(nested));
    expect(codec.decode(frame)).toEqual(nested);
  });

  it('jsonCodec - applies the replacer and the reviver', () => {
    const dates = jsonCodec<{ at: Date | string }>({
      replacer: (_key, value) => (typeof value === 'string' ? value.toUpperCase() : value),
      reviver: (key, value) => (key === 'at' && typeof value === 'string' ? new Date(value) : value),
    });
    const frame = dates.encode({ at: '2024-01-02t03:04:05.000z' });
    expect(frame.toString()).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
    expect(dates.decode(frame)).toEqual({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) });
  });

  it('jsonCodec - refuses undefined with a clear error', () => {
    expect(() => codec.encode(undefined)).toThrow(new TypeError('jsonCodec: undefined has no JSON representation'));
    expect(() => codec.encode(() => 1)).toThrow(new TypeError('jsonCodec: function has no JSON representation'));
  });

  it('jsonCodec - rejects invalid JSON', () => {
    for (const text of ['{oops', '', '[1,]', "{'a':1}", 'undefined']) {
      expect(() => codec.decode(Buffer.from(text))).toThrow(SyntaxError);
    }
  });

  it('jsonCodec - rejects invalid UTF-8', () => {
    expect(() => codec.decode(Buffer.from([0x22, 0xff, 0x22]))).toThrow(invalidUtf8);
  });
});

describe('utf8Codec', () => {
  const codec = utf8Codec();

  it('utf8Codec - round trips text, including astral characters, a BOM and the empty string', () => {
    expect(codec.name).toBe('utf8');
    for (const text of ['plain', 'ünïcödé', '👋🏽 emoji', '\ufeffwith BOM', '']) {
      const frame = codec.encode(text);
      expect(frame).toEqual(Buffer.from(text, 'utf8'));
      expect(codec.decode(frame)).toBe(text);
    }
  });

  it('utf8Codec - rejects invalid UTF-8', () => {
    const invalid = [
      [0xff], // never valid
      [0xc3], // truncated two-byte sequence
      [0xc0, 0xaf], // overlong '/'
      [0xed, 0xa0, 0x80], // UTF-16 surrogate
      [0x61, 0x80, 0x62], // stray continuation byte
    ];
    for (const bytes of invalid) {
      expect(() => codec.decode(new Uint8Array(bytes))).toThrow(invalidUtf8);
    }
  });

  it('utf8Codec - refuses to encode anything but a string', () => {
    expect(() => codec.encode(42 as unknown as string)).toThrow(new TypeError('utf8Codec: expected a string, got number'));
  });
});

describe('operator config', () => {
  it('encode - rejects a codec without an encode function when built', () => {
    expect(() => encode({} as never)).toThrow(new TypeError('encode: codec must have an encode function'));
  });

  it('decode - rejects a codec without a decode function when built', () => {
    expect(() => decode({} as never)).toThrow(new TypeError('decode: codec must have a decode function'));
  });

  it.each([1.5, NaN, Infinity, '1'])('decode - rejects frame %p when built', (frame) => {
    expect(() => decode(utf8Codec(), { frame: frame as number })).toThrow(TypeError);
  });

  it('decode - rejects a non-boolean fatal and an errors that is no Observer when built', () => {
    expect(() => decode(utf8Codec(), { fatal: 'yes' as unknown as boolean })).toThrow(
      new TypeError('decode: fatal must be a boolean, got string'),
    );
    expect(() => decode(utf8Codec(), { errors: {} })).toThrow(
      new TypeError('decode: errors must be a function or an Observer with a next method'),
    );
  });
});
