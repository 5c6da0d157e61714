import { usableCpus } from '../cpu-quota';
import type { SocketType } from '../types';
import { notSupported } from './errors';
import type { Security } from './mechanisms';
import { readSecurity, SECURITY_OPTIONS } from './security-options';
import { parseProxy, type HostPort } from './socks';
import { acceptFilterOf } from './accept-filter';
import type { BlockList } from 'node:net';
import type { HeartbeatOptions } from './heartbeats';

/** The libzmq options the zmtp engine reads (zeromq.js names); it ignores the others for now. */
export interface ZmtpOptions {
  /** Messages queued per peer, not yet written to the kernel, before the peer counts as full (0: no limit). */
  sendHighWaterMark: number;
  /** Messages read per peer and not yet delivered before reading from it pauses (0: no limit). */
  receiveHighWaterMark: number;
  /** ms to flush what is queued on close (-1: no limit). */
  linger: number;
  /**
   * ZMQ_CONFLATE (PUSH, PULL, DEALER, PUB, SUB): a peer keeps only the last
   * message not yet taken, in and out, and no high-water mark holds it back
   * (an inproc pipe conflates as its connecting side says, as libzmq's does).
   */
  conflate: boolean;
  reconnectInterval: number;
  /** ZMQ_RECONNECT_IVL_MAX. */
  reconnectMaxInterval: number;
  /** Our routing id, announced to peers (REQ, DEALER and ROUTER announce one, as libzmq does). */
  routingId: Buffer | undefined;
  /** ZMQ_PROBE_ROUTER (REQ, DEALER, ROUTER): an empty message to each peer as it is attached (made or accepted). */
  probeRouter: boolean;
  mandatory: boolean;
  relaxed: boolean;
  /** ZMQ_IMMEDIATE: route only to peers whose connection is up (off: a connected endpoint queues from `connect()` on). */
  immediate: boolean;
  /** Largest incoming message in bytes; -1: no limit. */
  maxMessageSize: number;
  /**
   * ZMTP heartbeats: `heartbeatInterval` (0: off), `heartbeatTimeout` (ms
   * after a PING; -1 or unset: the interval, 0: none), `heartbeatTimeToLive`.
   */
  heartbeat: HeartbeatOptions | undefined;
  /** Ms the greeting and handshake may take (libzmq's default 30000; 0: no limit). */
  handshakeInterval: number;
  /** ZMQ_SNDTIMEO: ms a send may wait for room before it fails with EAGAIN (-1: no limit). */
  sendTimeout: number;
  /** ZMQ_CONNECT_TIMEOUT: ms a tcp connection attempt may take (0: the system's). */
  connectTimeout: number;
  /** ZMQ_TCP_ACCEPT_FILTER: the addresses a bound tcp endpoint accepts connections from (undefined: any). */
  acceptFilter: BlockList | undefined;
  /** ZMQ_SOCKS_PROXY: tcp connections go through this SOCKS5 proxy. */
  socksProxy: HostPort | undefined;
  /** ZMQ_BACKLOG: connections the kernel queues for a bound endpoint. */
  backlog: number;
  /** ZMQ_TCP_KEEPALIVE(_IDLE): keep-alive on (1), off (0) or the system's (-1), idle seconds before probes (-1: the system's). */
  keepalive: { enable: number; idle: number };
  /** The security mechanism and its settings (see security-options.ts). */
  security: Security;
  /**
   * rxzmq's `busyPoll`: microseconds to keep the event loop awake after a
   * connection reads or writes (0: off), or `'auto'` (see auto-spin.ts).
   */
  busyPoll: number | 'auto';
}

/** libzmq's defaults. */
const DEFAULT_HWM = 1000;
const DEFAULT_RECONNECT_INTERVAL = 100;
const DEFAULT_HANDSHAKE_INTERVAL = 30_000;
const DEFAULT_BACKLOG = 100;

const ANNOUNCES_ID: ReadonlySet<SocketType> = new Set(['req', 'dealer', 'router']);
/** The types libzmq conflates; on the others it takes the option and ignores it. */
const CONFLATES: ReadonlySet<SocketType> = new Set(['push', 'pull', 'dealer', 'pub', 'sub']);

const hwm = (value: unknown): number =>
  typeof value === 'number' ? (value <= 0 ? Infinity : value) : DEFAULT_HWM;

const num = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);

/** The zeromq.js options this engine honours; any other option set is refused rather than silently ignored. */
const SUPPORTED: ReadonlySet<string> = new Set([
  'sendHighWaterMark',
  'receiveHighWaterMark',
  'linger',
  'conflate',
  'reconnectInterval',
  'reconnectMaxInterval',
  'routingId',
  'probeRouter',
  'mandatory',
  'handover',
  'immediate',
  'noDrop',
  'invertMatching',
  'verbosity',
  'welcomeMessage',
  'manual',
  'relaxed',
  'correlate',
  'maxMessageSize',
  'heartbeatInterval',
  'heartbeatTimeout',
  'heartbeatTimeToLive',
  'handshakeInterval',
  'sendTimeout',
  'connectTimeout',
  'backlog',
  'socksProxy',
  'tcpAcceptFilter',
  'tcpKeepalive',
  'tcpKeepaliveIdle',
  // IPv6 is always on here; libzmq needs it asked for.
  'ipv6',
  'busyPoll',
  ...SECURITY_OPTIONS,
]);

/**
 * Reads the options rxzmq's sockets pass (zeromq.js names), with libzmq's
 * defaults; throws ENOTSUP (naming the libzmq engine) for an option this
 * engine does not honour, such as the socket-buffer sizes.
 */
export function readOptions(type: SocketType, options: Record<string, unknown>): ZmtpOptions {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !SUPPORTED.has(name)) throw notSupported(`the option '${name}'`);
  }
  const id = options.routingId;
  const conflate = CONFLATES.has(type) && options.conflate === true;
  return {
    sendHighWaterMark: hwm(options.sendHighWaterMark),
    receiveHighWaterMark: hwm(options.receiveHighWaterMark),
    linger: num(options.linger, -1),
    conflate,
    reconnectInterval: num(options.reconnectInterval, DEFAULT_RECONNECT_INTERVAL),
    reconnectMaxInterval: num(options.reconnectMaxInterval, 0),
    routingId:
      ANNOUNCES_ID.has(type) && (typeof id === 'string' || id instanceof Uint8Array) && id.length > 0
        ? Buffer.from(id)
        : undefined,
    probeRouter: ANNOUNCES_ID.has(type) && options.probeRouter === true,
    mandatory: options.mandatory === true,
    relaxed: options.relaxed === true,
    immediate: options.immediate === true,
    maxMessageSize: num(options.maxMessageSize, -1),
    heartbeat: heartbeatOf(options),
    handshakeInterval: num(options.handshakeInterval, DEFAULT_HANDSHAKE_INTERVAL),
    sendTimeout: num(options.sendTimeout, -1),
    connectTimeout: num(options.connectTimeout, 0),
    backlog: num(options.backlog, DEFAULT_BACKLOG),
    acceptFilter: typeof options.tcpAcceptFilter === 'string' ? acceptFilterOf(options.tcpAcceptFilter) : undefined,
    socksProxy: typeof options.socksProxy === 'string' && options.socksProxy !== '' ? parseProxy(options.socksProxy) : undefined,
    keepalive: { enable: num(options.tcpKeepalive, -1), idle: num(options.tcpKeepaliveIdle, -1) },
    security: readSecurity(options),
    busyPoll: busyPollOf(options.busyPoll),
  };
}

/**
 * libzmq's heartbeat options: off unless `heartbeatInterval` > 0; the
 * timeout is the interval when unset or -1 (libzmq's default), none when 0.
 */
function heartbeatOf(options: Record<string, unknown>): ZmtpOptions['heartbeat'] {
  const interval = num(options.heartbeatInterval, 0);
  if (!(interval > 0)) return undefined;
  const timeout = num(options.heartbeatTimeout, -1);
  return { interval, timeout: timeout === -1 ? interval : timeout, ttl: num(options.heartbeatTimeToLive, 0) };
}

/**
 * `busyPoll` when a socket does not say, unless set otherwise: `'auto'` (a
 * requester spins only while it waits for a fast reply, see auto-spin.ts)
 * where the process may use two CPUs or more; off below, where the
 * spinning client would take the CPU from the very peer whose reply it
 * waits for, or spend a container's CPU quota and be throttled (see
 * ../cpu-quota.ts).
 */
const MACHINE_BUSY_POLL: number | 'auto' = usableCpus() >= 2 ? 'auto' : 0;
let defaultBusyPoll: number | 'auto' = MACHINE_BUSY_POLL;

/**
 * Sets the process-wide `busyPoll` of zmtp sockets made from now on that do
 * not give one: `0` never spins, `'auto'` or microseconds as the socket
 * option (see `busyPoll` in the socket options); `undefined` gives back
 * rxzmq's own default (`'auto'` where the process may use two CPUs or
 * more, its cgroup CPU quota counted; 0 below). Throws a TypeError for
 * anything else.
 *
 * ## Example
 * ```ts
 * import { setDefaultBusyPoll } from 'rxzmq';
 * setDefaultBusyPoll(0); // a laptop app: never spin, whatever the cores
 * ```
 */
export function setDefaultBusyPoll(value: number | 'auto' | undefined): void {
  defaultBusyPoll = value === undefined ? MACHINE_BUSY_POLL : checkBusyPoll(value);
}

/**
 * The `busyPoll` zmtp sockets get when they do not give one (see {@link setDefaultBusyPoll}).
 *
 * ## Example
 * ```ts
 * import { getDefaultBusyPoll } from 'rxzmq';
 * console.log(getDefaultBusyPoll()); // 'auto' on a machine with two CPUs or more to use
 * ```
 */
export function getDefaultBusyPoll(): number | 'auto' {
  return defaultBusyPoll;
}

/** rxzmq's `busyPoll`: microseconds, a finite number from 0 (off), or `'auto'`; unset, the default. */
function busyPollOf(value: unknown): number | 'auto' {
  return value === undefined ? defaultBusyPoll : checkBusyPoll(value);
}

function checkBusyPoll(value: unknown): number | 'auto' {
  if (value === 'auto') return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`rxzmq: busyPoll must be 'auto' or a number of microseconds from 0, got ${String(value)}`);
  }
  return value;
}
