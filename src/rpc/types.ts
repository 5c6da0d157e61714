/**
 * The shapes the RPC layer's parts agree on: a call as the server runs it,
 * the dispatcher that finds and runs a method, and an error as it crosses
 * the wire. Protocols (rxzmq's own, aiozmq's) only translate frames to and
 * from these.
 */
import type { Observable } from 'rxjs';

/** One call, decoded from whichever wire protocol carried it. */
export interface CallRequest {
  /** The method's dotted name: `'add'`, `'math.mul'`. */
  readonly method: string;
  /** Positional arguments. */
  readonly args: readonly unknown[];
  /** Keyword arguments (from Python callers, or a client that sends them). */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Fires when the caller gives up (cancel, client timeout) or the server-side timeout passes. */
  readonly signal: AbortSignal;
}

/** What a method may return: a value, a promise of one, or an Observable of values (a stream). */
export type CallResult = unknown;

/**
 * Finds and runs methods of a handler. `invoke` throws (synchronously)
 * `NotFoundError` for anything not exposed and `ParameterError` for
 * arguments that do not fit; otherwise it returns what the method returned
 * (a value, a Promise, or an Observable), with results validated when the
 * method declares a result schema.
 */
export interface Dispatcher {
  invoke(call: CallRequest): CallResult | Promise<CallResult> | Observable<unknown>;
}

/** An error as it crosses the wire: enough to rebuild it on the other side. */
export interface WireError {
  /** The class name (`'TypeError'`, `'NotFoundError'`, `'builtins.ValueError'`, a user class's name). */
  readonly name: string;
  /** The error's message. */
  readonly message: string;
  /** Constructor arguments (Python's `exc.args`); `[message]` for JavaScript errors. */
  readonly args: readonly unknown[];
  /** The remote stack text, only when the server opts in. */
  readonly stack?: string;
}
