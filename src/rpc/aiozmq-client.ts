import { Observable, type Subscriber } from 'rxjs';
import type { Message } from '../engine';
import type { DealerSocket } from '../observables';
import {
  AiozmqProtocolError,
  createHeaderPrefix,
  decodeReply,
  encodeRequest,
  fromPythonName,
  headerTime,
  nextRequestId,
  type AiozmqPacker,
  type HeaderPrefix,
} from './aiozmq';
import type { CallCore } from './call-core';
import { fromWireError, RpcTimeoutError, ServiceClosedError, type ErrorTable } from './errors';
import { splitArgs } from './kwargs';
import type { WireError } from './types';

/**
 * The client side of aiozmq.rpc's request-reply protocol: one call per
 * message, matched by request id. A timeout sends nothing to the server (as
 * aiozmq's client); the late reply is dropped and counted.
 */
export class AiozmqClient implements CallCore {
  late = 0;
  private readonly pending = new Map<number, Subscriber<unknown>>();
  private readonly prefix: HeaderPrefix = createHeaderPrefix();
  private lastId = 0;

  constructor(
    readonly socket: DealerSocket,
    private readonly errorTable: ErrorTable | undefined,
    private readonly packer: AiozmqPacker,
  ) {
    socket.subscribe({
      next: (msg) => this.receive(msg),
      error: (err: unknown) => this.closeAll(err),
      complete: () => this.closeAll(undefined),
    });
  }

  invoke(method: string, all: unknown[], _stream: boolean, timeout: number | undefined): Observable<unknown> {
    // The caller's stack, captured now and formatted only if a timeout reads it.
    const caller: { stack?: string } = {};
    Error.captureStackTrace(caller);
    return new Observable<unknown>((subscriber) => {
      if (this.socket.isClosed) {
        subscriber.error(new ServiceClosedError());
        return;
      }
      const { args, kwargs } = splitArgs(all);
      const requestId = this.allocateId();
      let frames: Buffer[];
      try {
        frames = encodeRequest({ header: { ...this.prefix, requestId, time: headerTime() }, method, args, kwargs }, this.packer);
      } catch (err) {
        subscriber.error(new TypeError(`rxzmq: cannot encode the arguments of '${method}': ${(err as Error).message}`, { cause: err }));
        return;
      }
      this.pending.set(requestId, subscriber);
      this.socket.send$(frames).subscribe({ error: (err: unknown) => this.fail(requestId, err) });
      const timer =
        timeout === undefined
          ? undefined
          : setTimeout(() => subscriber.error(new RpcTimeoutError(timeout, method, { callerStack: caller.stack })), timeout);
      return () => {
        if (timer) clearTimeout(timer);
        this.pending.delete(requestId);
      };
    });
  }

  private allocateId(): number {
    do this.lastId = nextRequestId(this.lastId);
    while (this.pending.has(this.lastId));
    return this.lastId;
  }

  private receive(msg: Message): void {
    let reply: ReturnType<typeof decodeReply>;
    try {
      reply = decodeReply(msg, this.packer);
    } catch (err) {
      // An unreadable reply whose id could be read fails its call at once, instead of leaving it to time out.
      if (err instanceof AiozmqProtocolError && err.requestId !== undefined && this.pending.has(err.requestId)) {
        this.fail(err.requestId, err);
      } else this.late++;
      return;
    }
    const subscriber = this.pending.get(reply.requestId);
    if (!subscriber) {
      this.late++;
      return;
    }
    this.pending.delete(reply.requestId);
    if (reply.isError) subscriber.error(this.errorOf(reply.error));
    else {
      subscriber.next(reply.value);
      subscriber.complete();
    }
  }

  /** A remote error by its Python name: the user's table first (by that name, then the JavaScript one), then the defaults. */
  private errorOf(error: WireError): Error {
    const table = this.errorTable;
    const name = table && error.name in table ? error.name : fromPythonName(error.name);
    return fromWireError({ ...error, name }, table);
  }

  private fail(requestId: number, err: unknown): void {
    const subscriber = this.pending.get(requestId);
    if (!subscriber) return;
    this.pending.delete(requestId);
    subscriber.error(err);
  }

  private closeAll(cause: unknown): void {
    for (const [id, subscriber] of [...this.pending]) {
      this.pending.delete(id);
      subscriber.error(new ServiceClosedError(undefined, { cause }));
    }
  }
}
