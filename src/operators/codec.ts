import { Decoder, Encoder, ExtensionCodec } from '@msgpack/msgpack';

/**
 * Turns values into single frames and frames back into values. {@link encode}
 * and {@link decode} take one; {@link msgpackCodec}, {@link jsonCodec} and
 * {@link utf8Codec} make the usual ones, and any object of this shape will do.
 *
 * Both methods may throw: the operators turn a throw into an `EncodeError` or
 * a `DecodeError`.
 */
export interface Codec<T = unknown> {
  /** A short name for error messages and `EncodeError.codec` / `DecodeError.codec`: `'msgpack'`, `'json'`, `'utf8'`. */
  readonly name: string;
  /** Encodes one value as the bytes of one frame. Throws if the value cannot be encoded. */
  encode(value: T): Buffer;
  /**
   * Decodes the bytes of one frame. Throws if they are not a valid encoding.
   * Frames come from the network: this must never evaluate or instantiate
   * arbitrary code from them.
   */
  decode(frame: Uint8Array): T;
}

/**
 * A MessagePack extension type: how one kind of value of yours travels as a
 * MessagePack `ext` with its own type code.
 *
 * ## Example
 * ```ts
 * import { msgpackCodec, type MsgpackExtension } from 'rxzmq/operators';
 * class Point { constructor(readonly x: number, readonly y: number) {} }
 * const point: MsgpackExtension<Point> = {
 *   type: 1,
 *   test: (value) => value instanceof Point,
 *   encode: (p) => new Uint8Array(new Float64Array([p.x, p.y]).buffer),
 *   decode: (data) => {
 *     const [x, y] = new Float64Array(data.slice().buffer);
 *     return new Point(x, y);
 *   },
 * };
 * const codec = msgpackCodec({ extensions: [point] });
 * ```
 */
export interface MsgpackExtension<T = unknown> {
  /** The extension's type code, an integer from 0 to 127 (negative codes belong to MessagePack itself). */
  readonly type: number;
  /**
   * Whether `value` is to be encoded with this extension. It sees every
   * value that is not a primitive (objects, arrays, typed arrays, functions),
   * so a typical test is `value instanceof MyClass`. When several tests
   * accept a value, the extension with the lowest type code wins.
   */
  test(value: unknown): boolean;
  /** The payload bytes of a value that passed `test`. */
  encode(value: T): Uint8Array;
  /**
   * Rebuilds a value from its payload. `data` is a view into the received
   * frame: a value that keeps a copy rather than `data` itself lets the
   * frame go. Throw if the payload is malformed.
   */
  decode(data: Uint8Array): T;
}

/** Options of {@link msgpackCodec}. */
export interface MsgpackCodecConfig {
  /** Extension types for your own classes; each type code at most once. Default: none. */
  extensions?: readonly MsgpackExtension[];
}

/** Options of {@link jsonCodec}: the second arguments of `JSON.stringify` and `JSON.parse`. */
export interface JsonCodecConfig {
  /** Called by `JSON.stringify` on every key and value before it is written. */
  replacer?: (this: unknown, key: string, value: unknown) => unknown;
  /** Called by `JSON.parse` on every key and value after it is read, e.g. to revive dates. */
  reviver?: (this: unknown, key: string, value: unknown) => unknown;
}

const MAX_EXTENSION_TYPE = 127;

/** Lone or truncated UTF-8 sequences throw rather than turn into U+FFFD; a BOM is kept as text. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Wraps bytes in a Buffer that shares their memory. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function extensionCodecOf(extensions: readonly MsgpackExtension[]): ExtensionCodec {
  const codec = new ExtensionCodec();
  const seen = new Set<number>();
  for (const ext of extensions) {
    const type = ext?.type;
    if (!Number.isInteger(type) || type < 0 || type > MAX_EXTENSION_TYPE) {
      throw new TypeError(`msgpackCodec: extension type must be an integer from 0 to 127, got ${String(type)}`);
    }
    if (seen.has(type)) {
      throw new TypeError(`msgpackCodec: extension type ${type} is given twice`);
    }
    for (const method of ['test', 'encode', 'decode'] as const) {
      if (typeof ext[method] !== 'function') {
        throw new TypeError(`msgpackCodec: extension type ${type} has no ${method} function`);
      }
    }
    seen.add(type);
    codec.register({
      type,
      encode: (value) => (ext.test(value) ? ext.encode(value) : null),
      decode: (data) => ext.decode(data),
    });
  }
  return codec;
}

/**
 * Makes a MessagePack codec, the default of {@link encode} and {@link decode}.
 *
 * Values map as `@msgpack/msgpack` maps them: `Uint8Array` and `Buffer` to
 * `bin` and back to `Uint8Array` (a view into the received frame, so a
 * `Buffer` when the frame is one, which keeps the whole frame alive), `Date` to
 * the timestamp extension, `undefined` to `nil` (so back to `null`). Your own
 * classes travel through `extensions`; an unknown extension type decodes to an
 * inert `ExtData`. Truncated input and trailing bytes are decode failures.
 *
 * ## Example
 * ```ts
 * import { push } from 'rxzmq';
 * import { encode, msgpackCodec } from 'rxzmq/operators';
 * import { of } from 'rxjs';
 * const out = push({ connect: 'tcp://127.0.0.1:5558' });
 * of({ id: 1, tags: ['a', 'b'] }).pipe(encode(msgpackCodec())).subscribe(out);
 * ```
 *
 * @param config Extension types for your own classes.
 * @returns A codec named `'msgpack'`; each encoded frame is a Buffer of exactly its bytes.
 * @throws TypeError if an extension type code is not an integer from 0 to 127, is given twice, or lacks a function.
 */
export function msgpackCodec<T = unknown>(config: MsgpackCodecConfig = {}): Codec<T> {
  const extensions = config.extensions ?? [];
  if (!Array.isArray(extensions)) {
    throw new TypeError('msgpackCodec: extensions must be an array');
  }
  const options = { extensionCodec: extensionCodecOf(extensions) };
  // Both clone themselves when re-entered (an extension that uses msgpack inside), so one of each is shared.
  const decoder = new Decoder(options);
  const encoder = new Encoder(options);
  return {
    name: 'msgpack',
    // `encode` copies out exactly the encoded bytes, so a queued frame does not pin the encoder's 2 KiB buffer.
    encode: (value) => asBuffer(encoder.encode(value)),
    decode: (frame) => decoder.decode(frame) as T,
  };
}

/**
 * Makes a JSON codec: each frame is one JSON text in UTF-8.
 *
 * Values JSON cannot hold follow `JSON.stringify`'s rules (`undefined` inside
 * an object is dropped, `NaN` becomes `null`), except a top-level value with no
 * JSON text at all (`undefined`, a function, a symbol), which fails to encode.
 * Invalid UTF-8 and invalid JSON fail to decode.
 *
 * ## Example
 * ```ts
 * import { pull } from 'rxzmq';
 * import { decode, jsonCodec } from 'rxzmq/operators';
 * const jobs = pull({ bind: 'tcp://127.0.0.1:5558' });
 * jobs.pipe(decode(jsonCodec<{ id: number }>())).subscribe((job) => console.log(job.id));
 * ```
 *
 * @param config A `replacer` for encoding and a `reviver` for decoding.
 * @returns A codec named `'json'`.
 */
export function jsonCodec<T = unknown>(config: JsonCodecConfig = {}): Codec<T> {
  const { replacer, reviver } = config;
  return {
    name: 'json',
    encode(value) {
      const text: string | undefined = JSON.stringify(value, replacer);
      if (text === undefined) {
        throw new TypeError(`jsonCodec: ${kindOf(value)} has no JSON representation`);
      }
      return Buffer.from(text, 'utf8');
    },
    decode: (frame) => JSON.parse(strictUtf8.decode(frame), reviver) as T,
  };
}

/**
 * Makes a UTF-8 text codec: a string is the frame's bytes in UTF-8.
 *
 * Decoding is strict: a frame that is not valid UTF-8 fails rather than
 * yield replacement characters. A byte order mark is kept as text.
 *
 * ## Example
 * ```ts
 * import { sub } from 'rxzmq';
 * import { decode, utf8Codec } from 'rxzmq/operators';
 * const news = sub({ connect: 'tcp://127.0.0.1:5556', topics: ['news'] });
 * news.pipe(decode(utf8Codec())).subscribe((headline) => console.log(headline));
 * ```
 *
 * @returns A codec named `'utf8'`; it refuses to encode anything but a string.
 */
export function utf8Codec(): Codec<string> {
  return {
    name: 'utf8',
    encode(value) {
      if (typeof value !== 'string') {
        throw new TypeError(`utf8Codec: expected a string, got ${kindOf(value)}`);
      }
      return Buffer.from(value, 'utf8');
    },
    decode: (frame) => strictUtf8.decode(frame),
  };
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : typeof value;
}
