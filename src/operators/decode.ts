import { Observable, Subject, type Observer, type OperatorFunction } from 'rxjs';
import type { Message } from '../engine/types';
import { ZmqError, messageOf } from '../observables/errors';
import { msgpackCodec, type Codec } from './codec';

/**
 * A received message could not be decoded: the codec threw, or the message
 * has no frame at the index {@link decode} was told to read. Reported on the
 * side channel (or, with `fatal: true`, as the output's error). `cause` is
 * what the codec threw, if it threw.
 */
export class DecodeError extends ZmqError {
  override name = 'DecodeError';
  /** The message as received, every frame of it (a single frame input gives one). */
  readonly frames: Buffer[];
  /** The name of the codec that was to decode it (`'msgpack'`, `'json'`, ...). */
  readonly codec: string;

  constructor(message: string, frames: Buffer[], codec: string, cause?: unknown) {
    super(message, { cause });
    this.frames = frames;
    this.codec = codec;
  }
}

/** Options of {@link decode}. */
export interface DecodeConfig {
  /**
   * Which frame of a multipart message to decode: 0 is the first, negative
   * indices count from the end. A message without that frame is a decode
   * failure. Ignored for a single frame. Default: -1, the last frame (the
   * body after a topic or routing id).
   */
  frame?: number;
  /**
   * Where failures go when they do not end the stream: an Observer (a
   * `Subject`, say) or a function. Default: {@link decodeErrors$}. If this
   * throws, the output errors with what it threw.
   */
  errors?: Partial<Observer<DecodeError>> | ((error: DecodeError) => void);
  /**
   * `true`: the first failure errors the output with its `DecodeError` (for
   * trusted peers, where a bad message is a bug). Default: `false`, the
   * message is skipped and the failure reported to `errors`.
   */
  fatal?: boolean;
}

const unclaimedErrors = new Subject<DecodeError>();

/**
 * The decode failures of every {@link decode} built without `errors` and
 * without `fatal`, from anywhere in the process. Hot: only failures after
 * subscribing are seen; with no subscriber they are dropped. Never completes.
 *
 * ## Example
 * ```ts
 * import { decodeErrors$ } from 'rxzmq/operators';
 * decodeErrors$.subscribe((e) => console.warn(e.message, e.frames.length));
 * ```
 */
export const decodeErrors$: Observable<DecodeError> = unclaimedErrors.asObservable();

/**
 * Decodes each received frame, or one chosen frame of each multipart message,
 * with a codec; messages that fail to decode are skipped and reported.
 *
 * ```
 * source:  --a-----x-----c--|      x cannot be decoded
 *          decode(jsonCodec())
 * result:  --A-----------C--|
 * errors:  --------E--------       E = DecodeError(frames of x), on the side channel
 *
 * source:  --a-----x-----c--|
 *          decode(jsonCodec(), { fatal: true })
 * result:  --A-----#               # = DecodeError(frames of x)
 * ```
 *
 * Peers can send anything, so by default a bad message does not kill the
 * stream: its {@link DecodeError}, holding the raw frames, goes to
 * `config.errors`, or to {@link decodeErrors$} when none is given. Errors and
 * completion of the source pass through.
 *
 * ## Example
 * ```ts
 * import { sub } from 'rxzmq';
 * import { decode, jsonCodec, type DecodeError } from 'rxzmq/operators';
 * import { Subject } from 'rxjs';
 * const bad = new Subject<DecodeError>();
 * bad.subscribe((e) => console.warn('dropped', e.message));
 * const prices = sub({ connect: 'tcp://127.0.0.1:5556', topics: ['prices'] });
 * // frames: [topic, body]; the body is the last frame, decoded by default
 * prices
 *   .pipe(decode(jsonCodec<{ symbol: string; price: number }>(), { errors: bad }))
 *   .subscribe((p) => console.log(p.symbol, p.price));
 * ```
 *
 * @see {@link encode}
 * @param codec How to decode a frame; default {@link msgpackCodec}.
 * @param config Which frame to decode, where failures go, whether they are fatal.
 * @returns An operator from frames or multipart messages to decoded values.
 * @throws TypeError if `codec` has no `decode` function, `frame` is not an
 * integer, `fatal` is not a boolean, or `errors` is neither a function nor an Observer.
 */
export function decode<T>(
  codec: Codec<T> = msgpackCodec(),
  config: DecodeConfig = {},
): OperatorFunction<Message | Uint8Array, T> {
  if (typeof codec?.decode !== 'function') {
    throw new TypeError('decode: codec must have a decode function');
  }
  const { frame = -1, fatal = false, errors } = config;
  if (!Number.isInteger(frame)) {
    throw new TypeError(`decode: frame must be an integer, got ${String(frame)}`);
  }
  if (typeof fatal !== 'boolean') {
    throw new TypeError(`decode: fatal must be a boolean, got ${typeof fatal}`);
  }
  const report = reporter(errors);

  const decodeOne = (input: Message | Uint8Array): T => {
    const multipart = Array.isArray(input);
    if (!multipart && !(input instanceof Uint8Array)) {
      throw new DecodeError(`rxzmq: decode expects a frame or a message, got ${typeof input}`, [], codec.name);
    }
    const bytes = multipart ? input.at(frame) : input;
    if (bytes === undefined) {
      throw new DecodeError(`rxzmq: no frame ${frame} in a ${input.length}-frame message`, rawFrames(input), codec.name);
    }
    try {
      return codec.decode(bytes);
    } catch (cause) {
      const where = multipart ? `frame ${frame} of a ${input.length}-frame message` : 'a frame';
      const message = `rxzmq: ${codec.name} codec could not decode ${where}: ${messageOf(cause)}`;
      throw new DecodeError(message, rawFrames(input), codec.name, cause);
    }
  };

  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next(input) {
          let value: T;
          try {
            value = decodeOne(input);
          } catch (error) {
            if (fatal) {
              subscriber.error(error);
              return;
            }
            // Caught here because rxjs would report a throw from this handler as unhandled, apart from the stream.
            try {
              report(error as DecodeError);
            } catch (reportFailure) {
              subscriber.error(reportFailure);
            }
            return;
          }
          subscriber.next(value);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}

function reporter(errors: DecodeConfig['errors']): (error: DecodeError) => void {
  if (errors === undefined) {
    return (error) => unclaimedErrors.next(error);
  }
  if (typeof errors === 'function') {
    return errors;
  }
  if (typeof errors?.next !== 'function') {
    throw new TypeError('decode: errors must be a function or an Observer with a next method');
  }
  return (error) => errors.next?.(error);
}

/** The frames of the input as Buffers (views, not copies), as a DecodeError holds them. */
function rawFrames(input: Message | Uint8Array): Buffer[] {
  if (Array.isArray(input)) {
    return input;
  }
  return [Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)];
}
