import { isObservable, last, type Subscription } from 'rxjs';
import { RpcTimeoutError } from './errors';
import type { Dispatcher } from './types';

/** How a server reports the exceptions its handlers raise. */
export type ErrorLogger = (error: unknown, call: { method: string }) => void;

/** An error class, for `logExclude`. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/** What every server counts. */
export interface RpcServiceStats {
  /** ZeroMQ messages received (with rxzmq's protocol each may carry a batch of calls). */
  messages: number;
  /** Calls started. */
  calls: number;
  /** Calls that failed (an error reply, or for notifications only a log line). */
  errors: number;
  /** Messages or packets that did not follow the protocol. */
  malformed: number;
}

/** Options of a {@link CallRunner}. */
export interface RunnerConfig {
  /** Ms a call may run before its AbortSignal fires and it fails with RpcTimeoutError. */
  timeout?: number;
  /** `true` logs with `console.error`; a function gets each failure. */
  logErrors?: boolean | ErrorLogger;
  /** Error classes not to log. */
  logExclude?: readonly ErrorClass[];
}

/** Where a running call's outcome goes. */
export interface CallSink {
  next(value: unknown): void;
  complete(): void;
  error(err: unknown): void;
}

/** A call as a server runs it. */
export interface RunnableCall {
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/**
 * Runs calls for a server, whatever its protocol: dispatch, the server-side
 * timeout and AbortSignal, a plain call's single result (an Observable
 * result gives its last value), a stream's values, and error logging.
 */
export class CallRunner {
  readonly stats: RpcServiceStats = { messages: 0, calls: 0, errors: 0, malformed: 0 };
  private readonly log: ErrorLogger | undefined;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly config: RunnerConfig,
  ) {
    this.log =
      config.logErrors === true
        ? (err, call) => console.error(`rxzmq rpc: ${call.method} failed:`, err)
        : config.logErrors || undefined;
  }

  /**
   * Starts a call; its outcome goes to `sink` (one `next` then `complete`
   * for a plain call; every value for a stream). Returns a function that
   * cancels it: the signal fires, a stream is unsubscribed, `sink` hears
   * nothing more.
   */
  run(call: RunnableCall, stream: boolean, sink: CallSink): (reason?: unknown) => void {
    this.stats.calls++;
    // Most methods never look at their signal: its AbortController is made on first use.
    let controller: AbortController | undefined;
    let abortReason: unknown;
    const signalOf = (): AbortSignal => {
      if (!controller) {
        controller = new AbortController();
        if (abortReason !== undefined) controller.abort(abortReason);
      }
      return controller.signal;
    };
    let subscription: Subscription | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let over = false;
    /** Ends the call; a reason (failure, timeout, cancel) also fires its signal. */
    const end = (reason?: unknown): void => {
      if (over) return;
      over = true;
      if (timer) clearTimeout(timer);
      subscription?.unsubscribe();
      if (reason === undefined) return;
      abortReason = reason;
      controller?.abort(reason);
    };
    const cancel = (reason: unknown = new Error('rxzmq: the call was cancelled')): void => end(reason);
    const fail = (err: unknown): void => {
      if (over) return;
      this.stats.errors++;
      this.report(err, call.method);
      end(err);
      sink.error(err);
    };
    const { timeout } = this.config;
    if (timeout !== undefined) timer = setTimeout(() => fail(new RpcTimeoutError(timeout, call.method)), timeout);
    let result: unknown;
    try {
      result = this.dispatcher.invoke({
        method: call.method,
        args: call.args,
        kwargs: call.kwargs,
        get signal() {
          return signalOf();
        },
      });
    } catch (err) {
      fail(err);
      return cancel;
    }
    /** A single result: the common case, with no Observable in between. */
    const deliver = (value: unknown): void => {
      if (over) return;
      end();
      sink.next(value);
      sink.complete();
    };
    if (!isObservable(result)) {
      if (isThenable(result)) result.then(deliver, fail);
      else deliver(result);
      return cancel;
    }
    const results = stream ? result : result.pipe(last(undefined, undefined));
    subscription = results.subscribe({
      next: (value) => {
        if (!over) sink.next(value);
      },
      error: fail,
      complete: () => {
        if (over) return;
        end();
        sink.complete();
      },
    });
    if (over) subscription.unsubscribe();
    return cancel;
  }

  /** Logs a failure unless its class is excluded. */
  report(err: unknown, method: string): void {
    if (this.log && !this.config.logExclude?.some((cls) => err instanceof cls)) this.log(err, { method });
  }
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as PromiseLike<unknown>).then === 'function';
