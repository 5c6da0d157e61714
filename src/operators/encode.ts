import { map, type OperatorFunction } from 'rxjs';
import { ZmqError, messageOf } from '../observables/errors';
import { msgpackCodec, type Codec } from './codec';

/**
 * A value could not be encoded: the output of {@link encode} errors with this.
 * `cause` is what the codec threw.
 */
export class EncodeError extends ZmqError {
  override name = 'EncodeError';
  /** The value that could not be encoded. */
  readonly value: unknown;
  /** The name of the codec that refused it (`'msgpack'`, `'json'`, ...). */
  readonly codec: string;

  constructor(value: unknown, codec: string, cause: unknown) {
    super(`rxzmq: ${codec} codec could not encode a value: ${messageOf(cause)}`, { cause });
    this.value = value;
    this.codec = codec;
  }
}

/**
 * Encodes each value as one frame, ready for a socket that sends.
 *
 * ```
 * source:  --a-----b-----c--|
 *          encode(jsonCodec())
 * result:  --A-----B-----C--|      A = the JSON text of a, as a Buffer
 *
 * source:  --a-----u-----c--|      u = undefined (no JSON for it)
 *          encode(jsonCodec())
 * result:  --A-----#               # = EncodeError, cause: the codec's error
 * ```
 *
 * A value the codec refuses is a bug in the sender, so the output errors with
 * an {@link EncodeError} (carrying the value) rather than skip it. To
 * send several frames, encode the body and combine it with the other frames,
 * e.g. `map((body) => [topic, body])`.
 *
 * ## Example
 * ```ts
 * import { pub } from 'rxzmq';
 * import { encode, jsonCodec } from 'rxzmq/operators';
 * import { interval, map } from 'rxjs';
 * const ticks = pub({ bind: 'tcp://127.0.0.1:5556' });
 * interval(1000)
 *   .pipe(
 *     map((n) => ({ n, at: Date.now() })),
 *     encode(jsonCodec()),
 *     map((body) => ['ticks', body]),
 *   )
 *   .subscribe(ticks);
 * ```
 *
 * @see {@link decode}
 * @param codec How to encode a value; default {@link msgpackCodec}.
 * @returns An operator that maps each value to one Buffer frame.
 * @throws TypeError if `codec` has no `encode` function.
 */
export function encode<T>(codec: Codec<T> = msgpackCodec()): OperatorFunction<T, Buffer> {
  if (typeof codec?.encode !== 'function') {
    throw new TypeError('encode: codec must have an encode function');
  }
  return map((value) => {
    try {
      return codec.encode(value);
    } catch (cause) {
      throw new EncodeError(value, codec.name, cause);
    }
  });
}
