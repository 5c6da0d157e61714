/**
 * The three frames every aiozmq.rpc call carries, in all three patterns:
 * the method's dotted name in UTF-8, a MessagePack array of positional
 * arguments, a MessagePack map of keyword arguments.
 */
import { AiozmqProtocolError } from './protocol-error';
import { defaultPacker, type AiozmqPacker } from './values';

/** A call as aiozmq carries it. */
export interface AiozmqCall {
  /** The dotted method name, `'add'` or `'ns.sub.method'`. */
  readonly method: string;
  /** Positional arguments (Python's `*args`). */
  readonly args: readonly unknown[];
  /** Keyword arguments (Python's `**kwargs`). */
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/** A call to encode: `args` default to none, `kwargs` to none. */
export interface AiozmqCallInput {
  readonly method: string;
  readonly args?: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

/** Lone or truncated UTF-8 sequences throw; a byte order mark is kept, as Python keeps it. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The name, args and kwargs frames of a call.
 *
 * @throws TypeError for an empty or non-string method name (aiozmq's client
 * refuses an empty name too), args that are not an array, kwargs that are
 * not a plain object, or a value that cannot be packed.
 */
export function encodeCall(call: AiozmqCallInput, packer: AiozmqPacker = defaultPacker): [Buffer, Buffer, Buffer] {
  const { method, args = [], kwargs = {} } = call;
  if (typeof method !== 'string' || method === '') {
    throw new TypeError('aiozmq: the method name must be a non-empty string');
  }
  if (!Array.isArray(args)) throw new TypeError('aiozmq: args must be an array');
  if (!isPlainObject(kwargs)) throw new TypeError('aiozmq: kwargs must be a plain object');
  return [Buffer.from(method, 'utf8'), packer.pack(args), packer.pack(kwargs)];
}

/**
 * Reads the name, args and kwargs frames of a call. An empty name is
 * valid here: aiozmq's server answers it with NotFoundError.
 *
 * @throws AiozmqProtocolError `'method'`, `'msgpack'`, `'map-key'`, `'args'` or `'kwargs'`.
 */
export function decodeCall(
  name: Uint8Array,
  args: Uint8Array,
  kwargs: Uint8Array,
  packer: AiozmqPacker = defaultPacker,
): AiozmqCall {
  let method: string;
  try {
    method = strictUtf8.decode(name);
  } catch (err) {
    throw new AiozmqProtocolError('method', 'the method name is not valid UTF-8', { cause: err });
  }
  const positional = packer.unpack(args);
  if (!Array.isArray(positional)) {
    throw new AiozmqProtocolError('args', 'the positional arguments are not a MessagePack array');
  }
  const keywords = packer.unpack(kwargs);
  if (!isPlainObject(keywords)) {
    throw new AiozmqProtocolError('kwargs', 'the keyword arguments are not a MessagePack map');
  }
  return { method, args: positional, kwargs: keywords };
}
