import type { Socket } from 'node:net';
import type { SocketEvent } from '../types';
import { dial, type StreamTarget } from './transport';

/** libzmq's reconnect options, in ms. */
export interface ReconnectOptions {
  /** Wait before reconnecting; -1: never reconnect. libzmq's default is 100. */
  interval: number;
  /** With a value above `interval`, each failed attempt doubles the wait up to this; 0: no backoff. */
  intervalMax: number;
  /** Ms an attempt may take before it counts as failed (libzmq's ZMQ_CONNECT_TIMEOUT); 0: the system's. */
  timeout?: number;
}

/**
 * One `connect()`ed endpoint: dials it, and dials again after a failed
 * attempt or a lost connection, waiting `interval` ms (doubling up to
 * `intervalMax` while attempts fail) plus a random jitter below `interval`,
 * as libzmq does. So a connect to an
 * endpoint that nobody has bound yet keeps trying until somebody does.
 * Nothing happens before `start()`.
 */
export class Dialer {
  private pending: Socket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wait: number;
  private stopped = false;

  constructor(
    readonly endpoint: string,
    private readonly target: StreamTarget,
    private readonly options: ReconnectOptions,
    /** A connection is up; the caller owns `socket` from now on. */
    private readonly onSocket: (socket: Socket) => void,
    private readonly emit: (event: SocketEvent) => void,
  ) {
    this.wait = options.interval;
  }

  /** Starts dialing (the first attempt is made at once). */
  start(): this {
    this.attempt();
    return this;
  }

  /** The connection this dialer made has ended: dial again (unless stopped). */
  lost(): void {
    if (!this.stopped) this.retry();
  }

  /** Stops dialing for good, dropping an attempt in progress. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending?.destroy();
    this.pending = undefined;
  }

  private attempt(): void {
    this.timer = undefined;
    const { socket, connected } = dial(this.target);
    this.pending = socket;
    const limit = this.options.timeout ?? 0;
    const timer = limit > 0 ? setTimeout(() => failed(), limit) : undefined;
    const failed = (): void => {
      clearTimeout(timer);
      socket.destroy();
      if (this.pending !== socket) return;
      this.pending = undefined;
      this.retry();
    };
    socket.once('error', failed);
    socket.once('close', () => clearTimeout(timer));
    socket.once(connected, () => {
      clearTimeout(timer);
      socket.off('error', failed);
      this.pending = undefined;
      this.wait = this.options.interval;
      this.emit({ type: 'connected', address: this.endpoint });
      this.onSocket(socket);
    });
    this.emit({ type: 'connectDelayed', address: this.endpoint });
  }

  private retry(): void {
    if (this.stopped || this.timer || this.options.interval < 0) return;
    const { interval, intervalMax } = this.options;
    // A random part of up to one interval on top, as libzmq adds, so peers that lost the same server do not all come back at once.
    const wait = this.wait + (interval > 0 ? Math.floor(Math.random() * interval) : 0);
    if (intervalMax > interval) this.wait = Math.min(this.wait * 2, intervalMax);
    this.emit({ type: 'connectRetried', address: this.endpoint, interval: wait });
    this.timer = setTimeout(() => this.attempt(), wait);
  }
}
