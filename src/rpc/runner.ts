import { isObservable, last, type Subscription } from 'rxjs';
import { RpcTimeoutError } from './errors';
import type { CallRequest, Dispatcher } from './types';

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
   * for a plain call; every value for a stream). The returned handle's
   * `cancel` stops it: the signal fires, a stream is unsubscribed, `sink`
   * hears nothing more.
   */
  run(call: RunnableCall, stream: boolean, sink: CallSink): RunningCall {
    this.stats.calls++;
    const running = new RunningCall(this, call, sink);
    running.start(this.dispatcher, stream, this.config.timeout);
    return running;
  }

  /** A call failed: count and log it. */
  failed(err: unknown, method: string): void {
    this.stats.errors++;
    this.report(err, method);
  }

  /** Logs a failure unless its class is excluded. */
  report(err: unknown, method: string): void {
    if (this.log && !this.config.logExclude?.some((cls) => err instanceof cls)) this.log(err, { method });
  }
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as PromiseLike<unknown>).then === 'function';

/**
 * One call on a server, from dispatch to its end; also the `CallRequest`
 * the dispatcher sees. One object per call rather than a closure per step,
 * since the hot path makes one per call.
 */
export class RunningCall implements CallRequest {
  readonly method: string;
  readonly args: unknown[];
  readonly kwargs: Record<string, unknown>;
  private over = false;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private subscription: Subscription | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly runner: CallRunner,
    call: RunnableCall,
    private readonly sink: CallSink,
  ) {
    this.method = call.method;
    this.args = call.args;
    this.kwargs = call.kwargs;
  }

  /** Most methods never look at their signal: its AbortController is made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** True once the call has ended (result, failure or cancel). */
  get ended(): boolean {
    return this.over;
  }

  start(dispatcher: Dispatcher, stream: boolean, timeout: number | undefined): void {
    if (timeout !== undefined) this.timer = setTimeout(() => this.fail(new RpcTimeoutError(timeout, this.method)), timeout);
    let result: unknown;
    try {
      result = dispatcher.invoke(this);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (!isObservable(result)) {
      if (isThenable(result)) result.then(this.deliver, this.fail);
      else this.deliver(result);
      return;
    }
    const results = stream ? result : result.pipe(last(undefined, undefined));
    this.subscription = results.subscribe({
      next: (value) => {
        if (!this.over) this.sink.next(value);
      },
      error: this.fail,
      complete: () => {
        if (this.over) return;
        this.end();
        this.sink.complete();
      },
    });
    if (this.over) this.subscription.unsubscribe();
  }

  /** Stops the call; its signal fires with `reason`. */
  cancel(reason: unknown = new Error('rxzmq: the call was cancelled')): void {
    this.end(reason);
  }

  /** A single result: the common case, with no Observable in between. */
  private readonly deliver = (value: unknown): void => {
    if (this.over) return;
    this.end();
    this.sink.next(value);
    this.sink.complete();
  };

  private readonly fail = (err: unknown): void => {
    if (this.over) return;
    this.runner.failed(err, this.method);
    this.end(err);
    this.sink.error(err);
  };

  /** Ends the call; a reason (failure, timeout, cancel) also fires its signal. */
  private end(reason?: unknown): void {
    if (this.over) return;
    this.over = true;
    if (this.timer) clearTimeout(this.timer);
    this.subscription?.unsubscribe();
    if (reason === undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}
