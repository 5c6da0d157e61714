import { ZmtpProtocolError } from './codec';

/** libzmq's heartbeat options, in ms: a PING every `interval`; see {@link Heartbeats}. */
export interface HeartbeatOptions {
  interval: number;
  /** After a PING, how long the peer may stay silent; 0: never dropped for it. */
  timeout: number;
  /** The TTL our PINGs carry (rounded down to deciseconds on the wire). */
  ttl: number;
}

/** What the heartbeats of one connection do to it. */
export interface HeartbeatActions {
  /** Sends a PING carrying `ttl` deciseconds. */
  ping(ttl: number): void;
  /** The peer stayed silent too long: the connection is to be closed with `error`. */
  fail(error: Error): void;
}

/**
 * The ZMTP heartbeats of one connection, timed as libzmq times them: a PING
 * every `interval` once the handshake is done; the `timeout` runs from the
 * first PING sent after the peer was last heard, so an idle peer that
 * answers (any traffic counts, a PONG included) is never dropped whatever
 * the two values are; and a peer's own PING with a TTL allows it that long
 * to send something. `heard()` is all the read path pays: one clock read.
 */
export class Heartbeats {
  /** When the peer last sent anything (ms, performance.now()). */
  private lastHeard = performance.now();
  /** When the first PING not yet answered went out (valid while it is after `lastHeard`). */
  private pingedAt = -Infinity;
  /** The peer's latest PING with a TTL: when it came, and the silence it allows. */
  private peerPingAt = -Infinity;
  private peerTtl = 0;
  private interval: ReturnType<typeof setInterval> | undefined;
  private timeout: ReturnType<typeof setTimeout> | undefined;
  private ttl: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly actions: HeartbeatActions) {}

  /** Something arrived from the peer. */
  heard(): void {
    this.lastHeard = performance.now();
  }

  /** Starts PINGing (the handshake is done); nothing without `options` or with an interval of 0. */
  start(options: HeartbeatOptions | undefined): void {
    if (!options || !(options.interval > 0)) return;
    const ttl = Math.min(0xffff, Math.floor(options.ttl / 100));
    this.interval = setInterval(() => this.ping(ttl, options.timeout), options.interval);
    this.interval.unref?.();
  }

  /**
   * The peer's PING allows it `ms` of silence from now (its TTL; 0: no
   * limit); anything it sends after the PING lifts the limit until its next.
   */
  expectWithin(ms: number): void {
    if (!(ms > 0)) return;
    this.peerPingAt = performance.now();
    this.peerTtl = ms;
    if (!this.ttl) this.checkTtl(ms);
  }

  stop(): void {
    clearInterval(this.interval);
    clearTimeout(this.timeout);
    clearTimeout(this.ttl);
    this.interval = this.timeout = this.ttl = undefined;
  }

  private ping(ttl: number, timeout: number): void {
    this.actions.ping(ttl);
    if (this.pingedAt <= this.lastHeard) this.pingedAt = performance.now();
    if (timeout > 0 && !this.timeout) this.awaitAnswer(timeout, timeout);
  }

  /** Checks in `ms` whether the peer was heard since the PING it owes an answer to, and fails it if not. */
  private awaitAnswer(timeout: number, ms: number): void {
    this.timeout = setTimeout(() => {
      this.timeout = undefined;
      if (this.lastHeard >= this.pingedAt) return; // answered; the next PING starts the clock again
      const left = this.pingedAt + timeout - performance.now();
      if (left > 0) this.awaitAnswer(timeout, left);
      else this.fail(`no traffic from the peer for ${timeout} ms after a PING`);
    }, ms);
    this.timeout.unref?.();
  }

  private checkTtl(ms: number): void {
    this.ttl = setTimeout(() => {
      this.ttl = undefined;
      if (this.lastHeard > this.peerPingAt) return; // heard since its latest PING; the next one sets a limit again
      const left = this.peerPingAt + this.peerTtl - performance.now();
      if (left > 0) this.checkTtl(left);
      else this.fail(`nothing from the peer within the ${this.peerTtl} ms its PING allowed`);
    }, ms);
    this.ttl.unref?.();
  }

  private fail(reason: string): void {
    this.stop();
    this.actions.fail(new ZmtpProtocolError('heartbeat-timeout', reason));
  }
}
