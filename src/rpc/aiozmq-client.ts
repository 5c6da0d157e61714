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
import { PendingCalls } from './call-core';
import { fromWireError, type ErrorTable } from './errors';
import type { WireError } from './types';

/**
 * The client side of aiozmq.rpc's request-reply protocol: one call per
 * message, matched by request id. A timeout sends nothing to the server (as
 * aiozmq's client); the late reply is dropped and counted.
 */
export class AiozmqClient extends PendingCalls {
  private readonly prefix: HeaderPrefix = createHeaderPrefix();

  constructor(
    socket: DealerSocket,
    private readonly errorTable: ErrorTable | undefined,
    private readonly packer: AiozmqPacker,
  ) {
    super(socket);
  }

  protected nextId(current: number): number {
    return nextRequestId(current);
  }

  protected send(requestId: number, method: string, args: unknown[], kwargs: Record<string, unknown>): void {
    const frames = encodeRequest({ header: { ...this.prefix, requestId, time: headerTime() }, method, args, kwargs }, this.packer);
    this.socket.send$(frames).subscribe({ error: (err: unknown) => this.fail(requestId, err) });
  }

  protected receive(msg: Message): void {
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
    const subscriber = this.take(reply.requestId);
    if (!subscriber) this.late++;
    else if (reply.isError) subscriber.error(this.errorOf(reply.error));
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
}
