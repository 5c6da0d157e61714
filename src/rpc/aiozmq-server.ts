import type { Message } from '../engine';
import type { RouterSocket } from '../observables';
import { AiozmqProtocolError, createHeaderPrefix, decodeRequest, encodeReply, type AiozmqPacker, type HeaderPrefix } from './aiozmq';
import { toWireError } from './errors';
import type { CallRunner } from './runner';
import type { WireError } from './types';

/**
 * The server side of aiozmq.rpc's request-reply protocol: one call per
 * message, one reply per call, no batching, no streams, no cancellation (an
 * Observable result gives its last value).
 */
export class AiozmqServer {
  private readonly prefix: HeaderPrefix = createHeaderPrefix();

  constructor(
    private readonly socket: RouterSocket,
    private readonly runner: CallRunner,
    private readonly packer: AiozmqPacker,
    private readonly config: { exposeStack: boolean; maxMessageSize: number },
  ) {}

  /** Handles one request; resolves once it has replied. */
  receive(msg: Message): Promise<void> {
    const stats = this.runner.stats;
    stats.messages++;
    let request: ReturnType<typeof decodeRequest>;
    try {
      const size = msg.reduce((sum, frame) => sum + frame.length, 0);
      if (size > this.config.maxMessageSize) {
        throw new AiozmqProtocolError('args', `request of ${size} bytes is over the limit of ${this.config.maxMessageSize}`, {
          headerBytes: msg.length >= 4 ? msg[msg.length - 4] : undefined,
          envelope: msg.slice(0, -4),
        });
      }
      request = decodeRequest(msg, this.packer);
    } catch (err) {
      stats.malformed++;
      // aiozmq drops what it cannot read; where the caller can be identified and its header read, it gets an answer.
      if (err instanceof AiozmqProtocolError && err.headerBytes?.length === 16 && err.envelope && err.envelope.length > 0) {
        this.send(err.envelope, err.headerBytes, { error: toWireError(err, { exposeStack: false }) });
      }
      return Promise.resolve();
    }
    const { envelope, headerBytes, method, args, kwargs } = request;
    return new Promise<void>((settled) => {
      this.runner.run({ method, args: [...args], kwargs: { ...kwargs } }, false, {
        next: (result) => this.send(envelope, headerBytes, { result }),
        complete: settled,
        error: (err) => {
          this.send(envelope, headerBytes, { error: toWireError(err, { exposeStack: this.config.exposeStack }) });
          settled();
        },
      });
    });
  }

  private send(envelope: readonly Buffer[], requestHeader: Buffer, outcome: { result: unknown } | { error: WireError }): void {
    const frames = encodeReply({ envelope, requestHeader, serverHeaderFields: this.prefix, ...outcome }, this.packer);
    this.socket.send$(frames).subscribe({ error: () => this.runner.stats.errors++ });
  }
}
