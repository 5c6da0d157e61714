import type { Frame } from '../engine';
import type { PubSocket, PushSocket } from '../observables';
import type { Codec } from '../operators';
import { encodeNotify, encodePublish, type AiozmqPacker, type TranslationTable } from './aiozmq';
import { Batcher, DEFAULT_BATCH, type BatchLimits } from './batcher';
import { splitArgs } from './kwargs';
import { batchMessage, Kind, packetArray } from './protocol';
import type { RpcProtocol } from './server';
import { aiozmqValues, valuesCodec } from './values';

/** Options shared by the notify clients. */
export interface NotifyClientConfig {
  /** The wire protocol. Default `'rxzmq'`; `'aiozmq'` notifies Python aiozmq.rpc servers (no batching). */
  protocol?: RpcProtocol;
  /** msgpack extension types for your own classes, as aiozmq's `translation_table`. */
  translationTable?: TranslationTable;
  /** Bounds of one batch of notifications in one ZeroMQ message (rxzmq protocol). */
  batch?: Partial<BatchLimits>;
}

export /** Sends notifications over a PUSH or PUB socket: batched (rxzmq) or one per message (aiozmq). */
class NotifySender {
  private readonly batcher: Batcher | undefined;
  private readonly codec: Codec | undefined;
  private readonly packer: AiozmqPacker | undefined;

  constructor(
    private readonly socket: PushSocket | PubSocket,
    config: NotifyClientConfig,
  ) {
    if (config.protocol === 'aiozmq') {
      this.packer = aiozmqValues(config.translationTable);
      return;
    }
    this.codec = valuesCodec(config.translationTable);
    this.batcher = new Batcher(
      (frames) => socket.send$(frames),
      (route, packets) => [...route, ...batchMessage(packets)],
      { ...DEFAULT_BATCH, ...config.batch },
    );
  }

  /** Resolves once the message carrying the notification was sent. */
  notify(topic: Frame | undefined, method: string, all: unknown[]): Promise<void> {
    const { args, kwargs } = splitArgs(all);
    return new Promise<void>((resolve, reject) => {
      const settle = (err?: unknown): void => (err === undefined ? resolve() : reject(err));
      try {
        if (this.packer) {
          const frames =
            topic === undefined
              ? encodeNotify({ method, args, kwargs }, this.packer)
              : encodePublish({ topic, method, args, kwargs }, this.packer);
          this.socket.send$(frames).subscribe({ complete: () => settle(), error: settle });
          return;
        }
        const packet = this.codec!.encode(packetArray({ kind: Kind.Notify, method, args, kwargs }));
        const route = topic === undefined ? [] : [topic];
        const key = topic === undefined ? '' : Buffer.from(topic).toString('hex');
        this.batcher!.push(key, route, packet, settle);
      } catch (err) {
        reject(new TypeError(`rxzmq: cannot encode the arguments of '${method}': ${(err as Error).message}`, { cause: err }));
      }
    });
  }
}
