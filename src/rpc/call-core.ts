import { Observable } from 'rxjs';
import type { Message } from '../engine';
import type { DealerSocket } from '../observables';
import { captureCaller } from '../operators/caller-stack';
import { RpcTimeoutError, ServiceClosedError } from './errors';
import { splitArgs } from './kwargs';

/** A call's time limit: `ms`, and whether to capture the caller's stack for the RpcTimeoutError. */
export interface CallTimeout {
  readonly ms: number;
  readonly callerStack: boolean;
}

/** What a request-reply client needs from its protocol. */
export interface CallCore {
  /** The DEALER socket underneath. */
  readonly socket: DealerSocket;
  /** Replies that matched no waiting call, dropped. */
  readonly late: number;
  /**
   * One call as a cold Observable: it goes out when subscribed; a plain call
   * emits its result once, a stream every value; unsubscribing early
   * cancels it where the protocol can.
   */
  invoke(method: string, args: unknown[], stream: boolean, timeout: CallTimeout | undefined): Observable<unknown>;
  /** A plain call as a Promise, without an Observable in between (the common path, kept cheap). */
  call(method: string, args: unknown[], timeout: CallTimeout | undefined): Promise<unknown>;
}

/** Where a waiting call's outcome goes: an Observable's subscriber, or a promise's settle functions. */
export interface CallSink {
  next(value: unknown): void;
  complete(): void;
  error(err: unknown): void;
}

/**
 * What both protocols' clients share: calls waiting by id, the per-call
 * timeout with the caller's stack, failing calls when the socket closes.
 * A protocol says how a call goes out, how replies come in, and what (if
 * anything) tells the server a call was given up.
 */
export abstract class PendingCalls implements CallCore {
  late = 0;
  protected readonly pending = new Map<number, CallSink>();
  private lastId = 0;

  constructor(readonly socket: DealerSocket) {
    socket.subscribe({
      next: (msg) => this.receive(msg),
      error: (err: unknown) => this.closeAll(err),
      complete: () => this.closeAll(undefined),
    });
  }

  /** The id after `current` (ids wrap; ids in flight are skipped). */
  protected abstract nextId(current: number): number;
  /** Sends a call; throws if its arguments cannot be encoded. */
  protected abstract send(id: number, method: string, args: unknown[], kwargs: Record<string, unknown>, stream: boolean): void;
  /** Handles a message from the server. */
  protected abstract receive(msg: Message): void;
  /** The caller gave up on a call still waiting (unsubscribed, timed out). */
  protected abandon(_id: number): void {}

  invoke(method: string, all: unknown[], stream: boolean, timeout: CallTimeout | undefined): Observable<unknown> {
    const caller = captureCaller(timeout?.callerStack === true, this.invoke);
    return new Observable<unknown>((subscriber) => this.start(method, all, stream, timeout, caller, subscriber));
  }

  call(method: string, all: unknown[], timeout: CallTimeout | undefined): Promise<unknown> {
    const caller = captureCaller(timeout?.callerStack === true, this.call);
    return new Promise((resolve, reject) => {
      let result: unknown;
      this.start(method, all, false, timeout, caller, {
        next: (value) => (result = value),
        complete: () => resolve(result),
        error: reject,
      });
    });
  }

  /** Sends a call and waits for it; returns the function that gives it up. */
  private start(
    method: string,
    all: unknown[],
    stream: boolean,
    timeout: CallTimeout | undefined,
    caller: { stack?: string },
    sink: CallSink,
  ): (() => void) | undefined {
    if (this.socket.isClosed) {
      sink.error(new ServiceClosedError());
      return undefined;
    }
    const { args, kwargs } = splitArgs(all);
    const id = this.allocateId();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settled = (): void => {
      if (timer) clearTimeout(timer);
    };
    // Without a timeout there is nothing to clear when the call ends: the sink itself waits.
    this.pending.set(
      id,
      timeout === undefined
        ? sink
        : {
            next: (value) => sink.next(value),
            complete: () => (settled(), sink.complete()),
            error: (err) => (settled(), sink.error(err)),
          },
    );
    try {
      this.send(id, method, args, kwargs, stream);
    } catch (err) {
      this.pending.delete(id);
      sink.error(new TypeError(`rxzmq: cannot encode the arguments of '${method}': ${(err as Error).message}`, { cause: err }));
      return undefined;
    }
    if (timeout !== undefined) {
      timer = setTimeout(() => {
        if (this.pending.delete(id)) this.abandon(id);
        sink.error(new RpcTimeoutError(timeout.ms, method, { callerStack: caller.stack }));
      }, timeout.ms);
    }
    return () => {
      settled();
      if (this.pending.delete(id) && !this.socket.isClosed) this.abandon(id);
    };
  }

  /** Takes a waiting call off the list (its reply came); undefined when nobody waits for `id`. */
  protected take(id: number): CallSink | undefined {
    const subscriber = this.pending.get(id);
    if (subscriber) this.pending.delete(id);
    return subscriber;
  }

  /** Fails one waiting call. */
  protected fail(id: number, err: unknown): void {
    this.take(id)?.error(err);
  }

  private allocateId(): number {
    do this.lastId = this.nextId(this.lastId);
    while (this.pending.has(this.lastId));
    return this.lastId;
  }

  private closeAll(cause: unknown): void {
    for (const id of [...this.pending.keys()]) this.fail(id, new ServiceClosedError(undefined, { cause }));
  }
}
