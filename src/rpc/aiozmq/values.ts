/**
 * Values on aiozmq.rpc's wire: MessagePack as aiozmq packs it
 * (`packb(x, use_bin_type=True)`), with its translation table of
 * extension types, but without its pickles.
 *
 * | JavaScript | wire | Python receives | JavaScript receives |
 * |---|---|---|---|
 * | `string` | str | `str` | `string` |
 * | `Buffer`, `Uint8Array` (any typed array) | bin | `bytes` | `Buffer` (a view into the frame) |
 * | array | array | **`tuple`** | array |
 * | plain object | map | `dict` | plain object (keys must be strings) |
 * | `number` (safe integer) / other `number` | int / float64 | `int` / `float` | `number` |
 * | `bigint` (int64/uint64 range) | int64 / uint64 | `int` | `number` when exact, else `bigint` |
 * | `null`, `undefined` | nil | `None` | `null` |
 * | `Date` | ext −1 (timestamp) | `msgpack.Timestamp` | `Date` (milliseconds) |
 * | `ExtData` | ext, unchanged | `msgpack.ExtType` | `ExtData` |
 * | instance of a table class | ext `code` | the Python table's class | the table's class |
 *
 * * Python's tuples and lists both arrive as arrays, and arrays arrive in
 *   Python as tuples (aiozmq unpacks with `use_list=False`).
 * * Map keys must be strings. A map with another key (Python's `{1: 'a'}`,
 *   or bytes keys) makes the message undecodable (`'map-key'`), as a map
 *   with an int key is for aiozmq itself. The key `__proto__` is refused too.
 * * An integer-valued number is an int on the wire: Python receives `1`, not `1.0`.
 * * Strings are decoded leniently: invalid UTF-8 inside a MessagePack str
 *   becomes U+FFFD (Python would refuse the message).
 * * **No pickles.** aiozmq's default table pickles `date` (127), `datetime`
 *   (126), `time` (125), `timedelta` (124) and `tzinfo` (123). Unpickling
 *   bytes from the network runs whatever they say, so rxzmq never does it:
 *   those codes arrive as opaque {@link ExtData}, which packs back unchanged,
 *   unless your own table claims the code. A `Date` goes out as the
 *   MessagePack timestamp, which Python sees as `msgpack.Timestamp`
 *   (`ts.to_datetime()` makes it a `datetime`).
 */
import {
  Decoder,
  EXT_TIMESTAMP,
  Encoder,
  ExtData,
  decodeTimestampExtension,
  encodeTimestampExtension,
  type ExtensionCodecType,
} from '@msgpack/msgpack';
import { narrowIntegers, widenIntegers } from './integers';
import { AiozmqProtocolError } from './protocol-error';

export { ExtData };

/**
 * How one class of yours travels as a MessagePack extension type: the
 * equivalent of an entry `code: (cls, pack, unpack)` in aiozmq's
 * `translation_table`. Both sides need the same entry.
 */
export interface Translator<T = unknown> {
  /** The class. A value is packed with the entry of its exact class, else of the lowest code whose class it is an `instanceof`. */
  readonly Class: abstract new (...args: never[]) => T;
  /** The extension's payload for a value of `Class`. */
  pack(value: T): Uint8Array;
  /** Rebuilds a value from a payload; `data` is a view into the received frame. Throw if it is malformed. */
  unpack(data: Uint8Array): T;
}

/** Extension codes (0 to 127) to their {@link Translator}s, like aiozmq's `translation_table`. */
export type TranslationTable = Readonly<Record<number, Translator>>;

/** Options of {@link createPacker}. */
export interface AiozmqPackerConfig {
  /** Your classes' extension types. Codes 123 to 127 are aiozmq's pickles: claim them only if you parse those yourself. Default: none. */
  translationTable?: TranslationTable;
}

/** Packs and unpacks single values as aiozmq.rpc does. */
export interface AiozmqPacker {
  /**
   * One value as MessagePack bytes.
   *
   * @throws TypeError if the value cannot be packed: a function, a symbol,
   * a `Map` or `Set`, a `bigint` beyond 64 bits, a translator that throws.
   */
  pack(value: unknown): Buffer;
  /**
   * The value of one complete MessagePack frame.
   *
   * @throws AiozmqProtocolError `'msgpack'` for bytes that are not exactly one
   * value (or a translator's `unpack` that throws), `'map-key'` for a map key
   * that is not a string.
   */
  unpack(bytes: Uint8Array): unknown;
}

const MAX_CODE = 127;

class MapKeyError extends Error {}

/** Thrown out of the first encoder at the first `bigint`, which the second encoder then handles. */
const BIGINT_SEEN = Symbol('bigint');

function stringKey(key: unknown): string {
  if (typeof key !== 'string') {
    throw new MapKeyError(`map keys must be strings, got ${typeof key === 'object' ? 'binary' : typeof key} key`);
  }
  return key;
}

/**
 * The extension codec: the translation table first (so a table may claim
 * `Date`), then the timestamp for `Date`, then `ExtData` as it came.
 */
class TranslationCodec implements ExtensionCodecType<undefined> {
  /** Prototype to code, or null for "no entry": the exact-class hits and the results of walks. */
  private readonly byPrototype = new Map<object, number | null>();
  private readonly codes: number[];

  constructor(private readonly table: TranslationTable) {
    this.codes = Object.keys(table)
      .map(Number)
      .sort((a, b) => a - b);
    // As aiozmq fills its cache in ascending order, the highest code wins when a class is listed twice.
    for (const code of this.codes) this.byPrototype.set(table[code].Class.prototype as object, code);
  }

  tryToEncode(value: unknown): ExtData | null {
    if (typeof value === 'bigint') throw BIGINT_SEEN;
    if (typeof value !== 'object' || value === null) return null;
    const code = this.codeOf(value);
    if (code !== null) return new ExtData(code, this.table[code].pack(value));
    if (value instanceof Date) return new ExtData(EXT_TIMESTAMP, encodeTimestampExtension(value) as Uint8Array);
    if (value instanceof ExtData) return value;
    if (value instanceof Map || value instanceof Set) {
      throw new TypeError(`a ${value.constructor.name} has no MessagePack form here; use a plain object or an array`);
    }
    return null;
  }

  decode(data: Uint8Array, code: number): unknown {
    const translator = this.table[code];
    if (translator !== undefined) return translator.unpack(data);
    if (code === EXT_TIMESTAMP) return decodeTimestampExtension(data);
    // A copy (a plain Uint8Array: Buffer#slice would share memory), so that a value kept for later does not pin the frame.
    return new ExtData(code, new Uint8Array(data));
  }

  private codeOf(value: object): number | null {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null || this.codes.length === 0) return null;
    const known = this.byPrototype.get(proto as object);
    if (known !== undefined) return known;
    const code = this.codes.find((c) => value instanceof this.table[c].Class) ?? null;
    this.byPrototype.set(proto as object, code);
    return code;
  }
}

function checkTable(table: TranslationTable): void {
  if (typeof table !== 'object' || table === null) {
    throw new TypeError('aiozmq: translationTable must be an object of code to translator');
  }
  for (const [key, entry] of Object.entries(table)) {
    const code = Number(key);
    if (!Number.isInteger(code) || code < 0 || code > MAX_CODE) {
      throw new TypeError(`aiozmq: translation codes are integers from 0 to 127, got ${key}`);
    }
    const t = entry as Partial<Translator> | undefined;
    if (typeof t?.Class !== 'function' || typeof t.pack !== 'function' || typeof t.unpack !== 'function') {
      throw new TypeError(`aiozmq: translation code ${code} needs Class, pack and unpack`);
    }
  }
}

/**
 * Makes a packer with a translation table.
 *
 * ## Example
 * ```ts
 * class Point { constructor(readonly x: number, readonly y: number) {} }
 * const packer = createPacker({
 *   translationTable: {
 *     1: {
 *       Class: Point,
 *       pack: (p) => new Uint8Array(new Float64Array([p.x, p.y]).buffer),
 *       unpack: (data) => {
 *         const [x, y] = new Float64Array(data.slice().buffer);
 *         return new Point(x, y);
 *       },
 *     },
 *   },
 * });
 * packer.unpack(packer.pack([new Point(1, 2)])); // [Point { x: 1, y: 2 }]
 * ```
 *
 * @throws TypeError if a code is not an integer from 0 to 127 or an entry lacks `Class`, `pack` or `unpack`.
 */
export function createPacker(config: AiozmqPackerConfig = {}): AiozmqPacker {
  const table = config.translationTable ?? {};
  checkTable(table);
  const extensionCodec = new TranslationCodec(table);
  const encoder = new Encoder({ extensionCodec });
  const wideEncoder = new Encoder({ extensionCodec, useBigInt64: true });
  const decoder = new Decoder({ extensionCodec, useBigInt64: true, mapKeyConverter: stringKey });

  function encode(value: unknown): Uint8Array {
    try {
      return encoder.encode(value);
    } catch (err) {
      if (err !== BIGINT_SEEN) throw err;
      return wideEncoder.encode(widenIntegers(value));
    }
  }

  return {
    pack(value) {
      try {
        const bytes = encode(value);
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (err) {
        if (err instanceof TypeError && err.message.startsWith('aiozmq:')) throw err;
        throw new TypeError(`aiozmq: cannot pack the value: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
    },
    unpack(bytes) {
      try {
        return narrowIntegers(decoder.decode(bytes));
      } catch (err) {
        if (err instanceof MapKeyError) throw new AiozmqProtocolError('map-key', err.message, { cause: err });
        const why = (err as Error)?.message ?? String(err);
        throw new AiozmqProtocolError('msgpack', `not one MessagePack value: ${why}`, { cause: err });
      }
    },
  };
}

/** The packer with no translation table, for the functions whose `packer` argument is left out. */
export const defaultPacker: AiozmqPacker = createPacker();
