/**
 * The RPC layer's errors, and their translation to and from the wire.
 *
 * A remote error crosses the wire as a {@link WireError}: its class name,
 * message, constructor arguments (Python's `exc.args`) and, only when the
 * server opts in, its stack. {@link toWireError} makes one on the server;
 * {@link fromWireError} rebuilds an error on the client, as the same class
 * when the client knows it, otherwise as a {@link GenericError}.
 */
import { ZmqError } from '../observables/errors';
import type { StandardSchemaV1 } from './standard-schema';
import type { WireError } from './types';

/**
 * The base class of every RPC error.
 *
 * ## Example
 * ```ts
 * import { RpcError } from 'rxzmq/rpc';
 * try {
 *   await client.call.add(1, 2);
 * } catch (err) {
 *   if (err instanceof RpcError) console.warn('the RPC layer failed:', err.name, err.message);
 *   else throw err; // the remote method's own error
 * }
 * ```
 */
export class RpcError extends ZmqError {
  override name = 'RpcError';
}

/**
 * No method of that name is exposed (or the name is malformed). Its `args`
 * are `[method]`, as aiozmq's `NotFoundError(name)`.
 *
 * ## Example
 * ```ts
 * import { NotFoundError } from 'rxzmq/rpc';
 * await client.call.nosuch().catch((err) => {
 *   if (err instanceof NotFoundError) console.warn(err.method); // 'nosuch'
 * });
 * ```
 */
export class NotFoundError extends RpcError {
  override name = 'NotFoundError';
  /** The dotted name that was asked for. */
  readonly method: string;
  /** What rebuilds it on the other side: `[method]`. */
  readonly args: readonly unknown[];

  /** @param method The dotted name that was asked for. */
  constructor(method: string) {
    super(`rxzmq: no remote method '${method}'`);
    this.method = method;
    this.args = [method];
  }
}

/** Details of a {@link ParameterError} or {@link ResultError}. */
export interface ValidationErrorDetails {
  /** The method's dotted name. */
  method?: string;
  /** The validator's issues, when a schema rejected the value. */
  issues?: readonly StandardSchemaV1.Issue[];
  /** The error this one wraps. */
  cause?: unknown;
}

/**
 * The base of {@link ParameterError} and {@link ResultError}: a call whose
 * arguments or result did not pass the method's declaration. `method` and
 * `issues` are set on the server; they do not cross the wire (the message
 * does).
 *
 * ## Example
 * ```ts
 * import { RpcValidationError } from 'rxzmq/rpc';
 * if (err instanceof RpcValidationError) console.warn(err.method, err.issues?.map((i) => i.message));
 * ```
 */
export class RpcValidationError extends RpcError {
  override name = 'RpcValidationError';
  /** The method's dotted name, where known. */
  readonly method?: string;
  /** The schema's issues, where a schema rejected the value. */
  readonly issues?: readonly StandardSchemaV1.Issue[];

  /**
   * @param message What is wrong.
   * @param details The method, the validator's issues, the cause.
   */
  constructor(message: string, details: ValidationErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.method = details.method;
    this.issues = details.issues;
  }
}

/**
 * The arguments do not fit the method: a keyword it does not declare, a
 * missing or surplus argument, or a rejection by its argument schema.
 * Python's aiozmq calls it `ParametersError`; the aiozmq wire mode
 * translates the name.
 *
 * ## Example
 * ```ts
 * import { kwargs, ParameterError } from 'rxzmq/rpc';
 * await client.call.add(1, kwargs({ c: 2 })).catch((err) => {
 *   if (err instanceof ParameterError) console.warn(err.message); // "... unexpected keyword argument 'c'"
 * });
 * ```
 */
export class ParameterError extends RpcValidationError {
  override name = 'ParameterError';
}

/**
 * The method's result (or one value of its stream) failed the method's
 * result schema.
 *
 * ## Example
 * ```ts
 * import { ResultError } from 'rxzmq/rpc';
 * await client.call.price('x').catch((err) => {
 *   if (err instanceof ResultError) console.warn('the server broke its contract:', err.message);
 * });
 * ```
 */
export class ResultError extends RpcValidationError {
  override name = 'ResultError';
}

/**
 * A call got no answer in time (client side), or ran past the server's
 * timeout. Its `stack` is the stack of the code that made the call when
 * that was recorded, since the timer that fires it points nowhere useful.
 *
 * ## Example
 * ```ts
 * import { RpcTimeoutError } from 'rxzmq/rpc';
 * await client.withTimeout(100).call.slow().catch((err) => {
 *   if (err instanceof RpcTimeoutError) console.warn(err.method, err.timeout, err.code); // 'slow' 100 'ETIMEDOUT'
 * });
 * ```
 */
export class RpcTimeoutError extends RpcError {
  override name = 'RpcTimeoutError';
  /** The timeout that passed, in ms. */
  readonly timeout: number;
  /** The method's dotted name. */
  readonly method: string;
  /** What rebuilds it on the other side: `[timeout, method]`. */
  readonly args: readonly unknown[];

  /**
   * @param timeout The timeout that passed, in ms.
   * @param method The method's dotted name.
   * @param details `callerStack`: an `Error().stack` taken where the call was made.
   */
  constructor(timeout: number, method: string, details: { callerStack?: string } = {}) {
    super(`rxzmq: call to '${method}' timed out after ${timeout} ms`, { code: 'ETIMEDOUT' });
    this.timeout = timeout;
    this.method = method;
    this.args = [timeout, method];
    const caller = details.callerStack;
    const frames = caller === undefined ? -1 : caller.indexOf('\n');
    if (frames >= 0) this.stack = `${this.name}: ${this.message}${caller!.slice(frames)}`;
  }
}

/**
 * The client or service was closed while the call waited.
 *
 * ## Example
 * ```ts
 * import { ServiceClosedError } from 'rxzmq/rpc';
 * const pending = client.call.slow();
 * await client.close();
 * await pending.catch((err) => console.log(err instanceof ServiceClosedError)); // true
 * ```
 */
export class ServiceClosedError extends RpcError {
  override name = 'ServiceClosedError';

  /**
   * @param message What closed, if the default does not say enough.
   * @param details The error that closed it, if any.
   */
  constructor(message = 'rxzmq: the RPC service was closed while the call waited', details: { cause?: unknown } = {}) {
    super(message, { cause: details.cause });
  }
}

/**
 * A remote error of a class the client does not know (not a built-in, not
 * rxzmq's, not in its error table). It keeps what the wire carried.
 *
 * ## Example
 * ```ts
 * import { GenericError } from 'rxzmq/rpc';
 * await client.call.charge(100).catch((err) => {
 *   if (err instanceof GenericError) console.warn(err.remoteName, err.args); // 'InsufficientFunds' [100]
 * });
 * ```
 */
export class GenericError extends RpcError {
  override name = 'GenericError';
  /** The remote class name (`'InsufficientFunds'`, `'__main__.MyError'`). */
  readonly remoteName: string;
  /** The remote error's constructor arguments (Python's `exc.args`). */
  readonly args: readonly unknown[];
  /** The remote stack text, when the server sends it. */
  readonly remoteStack?: string;

  /**
   * @param remoteName The remote class name.
   * @param message The remote message.
   * @param args The remote constructor arguments.
   * @param remoteStack The remote stack text, if sent.
   * @param details The error that kept the class from being built, if any.
   */
  constructor(remoteName: string, message: string, args: readonly unknown[], remoteStack?: string, details: { cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.remoteName = remoteName;
    this.args = args;
    if (remoteStack !== undefined) this.remoteStack = remoteStack;
  }
}

/**
 * Python's `ValueError`, which JavaScript lacks: a handler throws it to
 * raise `builtins.ValueError` in a Python caller, and a Python server's
 * `ValueError` arrives as one. `args` holds the constructor arguments as
 * Python sees them (`[message]` unless given).
 *
 * ## Example
 * ```ts
 * import { method, ValueError } from 'rxzmq/rpc';
 * const handler = {
 *   sqrt: method((x: number) => {
 *     if (x < 0) throw new ValueError('math domain error'); // Python: ValueError('math domain error')
 *     return Math.sqrt(x);
 *   }),
 * };
 * ```
 */
export class ValueError extends Error {
  override name = 'ValueError';
  /** The constructor arguments as Python sees them. */
  readonly args: readonly unknown[];

  /**
   * @param message The message.
   * @param options `cause`, and `args` when they are not just `[message]`.
   */
  constructor(message = '', options: { cause?: unknown; args?: readonly unknown[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.args = options.args ?? [message];
  }
}

/**
 * Error classes by wire name, for a client to raise remote errors as its
 * own classes. A class here is constructed with the remote args spread
 * (`new Cls(...args)`, aiozmq's `cls(*args)`); for a JavaScript server's
 * error the args are `[message]` unless the error has an `args` array.
 *
 * ## Example
 * ```ts
 * import { connectRpc, type ErrorTable } from 'rxzmq/rpc';
 * class InsufficientFunds extends Error {
 *   override name = 'InsufficientFunds';
 * }
 * const errorTable: ErrorTable = { InsufficientFunds, '__main__.InsufficientFunds': InsufficientFunds };
 * const client = await connectRpc({ connect: 'tcp://127.0.0.1:5555', errorTable });
 * ```
 */
export type ErrorTable = Record<string, new (...args: any[]) => Error>;

/** Builds a known class from what the wire carried; `undefined` when the shape does not fit. */
type Rebuild = (message: string, args: readonly unknown[]) => Error | undefined;

const builtin =
  (Cls: new (message: string) => Error): Rebuild =>
  (message) =>
    new Cls(message);

/** The classes every client knows, by wire name. A fixed list: names are never looked up anywhere else. */
const DEFAULTS: ReadonlyMap<string, Rebuild> = new Map<string, Rebuild>([
  ['Error', builtin(Error)],
  ['TypeError', builtin(TypeError)],
  ['RangeError', builtin(RangeError)],
  ['SyntaxError', builtin(SyntaxError)],
  ['ReferenceError', builtin(ReferenceError)],
  ['EvalError', builtin(EvalError)],
  ['URIError', builtin(URIError)],
  ['ValueError', (message, args) => new ValueError(message, { args })],
  ['NotFoundError', (message, args) => new NotFoundError(typeof args[0] === 'string' ? args[0] : message)],
  ['ParameterError', (message) => new ParameterError(message)],
  ['ResultError', (message) => new ResultError(message)],
  [
    'RpcTimeoutError',
    (_message, [timeout, method]) =>
      typeof timeout === 'number' && typeof method === 'string' ? new RpcTimeoutError(timeout, method) : undefined,
  ],
  ['ServiceClosedError', (message) => new ServiceClosedError(message)],
]);

/** Options of {@link toWireError}. */
export interface ToWireErrorOptions {
  /** Send the stack text. Off by default: a stack shows file paths and internals to the caller. */
  exposeStack?: boolean;
}

/**
 * An error as it goes on the wire. The name is the error's `name`, or its
 * constructor's name when `name` is only inherited from a built-in (a
 * `class InsufficientFunds extends Error {}` goes as `'InsufficientFunds'`);
 * a thrown non-Error goes as `'Error'` with its text. `args` are the
 * error's own `args` array if it has one, otherwise `[message]`. Never
 * throws.
 *
 * ## Example
 * ```ts
 * import { toWireError } from './errors';
 * toWireError(new TypeError('bad'), {}); // { name: 'TypeError', message: 'bad', args: ['bad'] }
 * ```
 *
 * @param err What the method threw.
 * @param options Whether to send the stack.
 * @returns The error's wire form.
 */
export function toWireError(err: unknown, options: ToWireErrorOptions = {}): WireError {
  try {
    if (!(err instanceof Error)) {
      const message = String(err);
      return { name: 'Error', message, args: [message] };
    }
    const message = typeof err.message === 'string' ? err.message : String(err.message);
    const own = (err as { args?: unknown }).args;
    const wire = { name: nameOf(err), message, args: Array.isArray(own) ? [...own] : [message] };
    return options.exposeStack && typeof err.stack === 'string' ? { ...wire, stack: err.stack } : wire;
  } catch {
    // A hostile error (a throwing getter or toString) must not stop the reply.
    return { name: 'Error', message: 'rxzmq: the error could not be read', args: ['rxzmq: the error could not be read'] };
  }
}

/** `name` when the error's class (or the error) sets it, else the constructor's name. */
function nameOf(err: Error): string {
  const proto: unknown = Object.getPrototypeOf(err);
  const setHere = Object.hasOwn(err, 'name') || (proto !== null && Object.hasOwn(proto as object, 'name'));
  if (setHere && typeof err.name === 'string' && err.name !== '') return err.name;
  const ctor: unknown = (err as { constructor?: unknown }).constructor;
  const ctorName = typeof ctor === 'function' ? ctor.name : undefined;
  if (typeof ctorName === 'string' && ctorName !== '') return ctorName;
  return typeof err.name === 'string' && err.name !== '' ? err.name : 'Error';
}

/**
 * Rebuilds a remote error. A name in `table` gives `new Cls(...args)`;
 * otherwise a name among the defaults (`Error`, `TypeError`, `RangeError`,
 * `SyntaxError`, `ReferenceError`, `EvalError`, `URIError`, `ValueError`,
 * and rxzmq's `NotFoundError`, `ParameterError`, `ResultError`,
 * `RpcTimeoutError`, `ServiceClosedError`) gives that class with its own
 * constructor shape (a built-in gets the message); any other name, or a
 * table class whose constructor throws, gives a {@link GenericError}. A
 * remote stack, if sent, is put on `remoteStack`; the error's own `stack`
 * stays local. Never evaluates anything and never looks names up outside
 * the table and the fixed defaults.
 *
 * ## Example
 * ```ts
 * import { fromWireError } from './errors';
 * fromWireError({ name: 'TypeError', message: 'bad', args: ['bad'] }); // TypeError('bad')
 * fromWireError({ name: 'Oops', message: 'x', args: ['x', 1] }); // GenericError, remoteName 'Oops', args ['x', 1]
 * ```
 *
 * @param wire The error as received.
 * @param table The user's classes by wire name, consulted first.
 * @returns The error to raise on the caller.
 */
export function fromWireError(wire: WireError, table?: ErrorTable): Error {
  const name = typeof wire.name === 'string' ? wire.name : 'Error';
  const message = typeof wire.message === 'string' ? wire.message : '';
  const args: readonly unknown[] = Array.isArray(wire.args) ? wire.args : [message];
  const remoteStack = typeof wire.stack === 'string' ? wire.stack : undefined;
  let failure: unknown;
  let err: Error | undefined;
  const Cls = table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
  if (typeof Cls === 'function') {
    try {
      err = new Cls(...args);
    } catch (e) {
      failure = e;
    }
  } else {
    err = DEFAULTS.get(name)?.(message, args);
  }
  if (err === undefined) {
    return new GenericError(name, message, args, remoteStack, failure === undefined ? {} : { cause: failure });
  }
  if (remoteStack !== undefined) (err as { remoteStack?: string }).remoteStack = remoteStack;
  return err;
}
