import type { SocketType } from '../types';

/** The libzmq options the zmtp engine reads (zeromq.js names); it ignores the others for now. */
export interface ZmtpOptions {
  /** Messages queued per peer, not yet written to the kernel, before the peer counts as full (0: no limit). */
  sendHighWaterMark: number;
  /** Messages read per peer and not yet delivered before reading from it pauses (0: no limit). */
  receiveHighWaterMark: number;
  /** ms to flush what is queued on close (-1: no limit). */
  linger: number;
  reconnectInterval: number;
  reconnectIntervalMax: number;
  /** Our routing id, announced to peers (REQ, DEALER and ROUTER announce one, as libzmq does). */
  routingId: Buffer | undefined;
  mandatory: boolean;
  relaxed: boolean;
  /** Largest incoming message in bytes; -1: no limit. */
  maxMessageSize: number;
}

/** libzmq's defaults. */
const DEFAULT_HWM = 1000;
const DEFAULT_RECONNECT_INTERVAL = 100;

const ANNOUNCES_ID: ReadonlySet<SocketType> = new Set(['req', 'dealer', 'router']);

const hwm = (value: unknown): number =>
  typeof value === 'number' ? (value <= 0 ? Infinity : value) : DEFAULT_HWM;

const num = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);

/** Reads the options rxzmq's sockets pass (zeromq.js names), with libzmq's defaults. */
export function readOptions(type: SocketType, options: Record<string, unknown>): ZmtpOptions {
  const id = options.routingId;
  return {
    sendHighWaterMark: hwm(options.sendHighWaterMark),
    receiveHighWaterMark: hwm(options.receiveHighWaterMark),
    linger: num(options.linger, -1),
    reconnectInterval: num(options.reconnectInterval, DEFAULT_RECONNECT_INTERVAL),
    reconnectIntervalMax: num(options.reconnectIntervalMax, 0),
    routingId:
      ANNOUNCES_ID.has(type) && (typeof id === 'string' || id instanceof Uint8Array) && id.length > 0
        ? Buffer.from(id)
        : undefined,
    mandatory: options.mandatory === true,
    relaxed: options.relaxed === true,
    maxMessageSize: num(options.maxMessageSize, -1),
  };
}
