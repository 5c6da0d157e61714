import { performance } from 'node:perf_hooks'; // the global `performance` is a getter on globalThis
import { awaitReply, replied } from '../busy-poll';

/** A reply slower than this (µs) is not worth spinning for: the client sleeps as usual. */
const FAST_REPLY_US = 250;
/** Bounds of one spin (µs): twice the last reply's wait, within these. */
const MIN_SPIN_US = 20;
const MAX_SPIN_US = 100;
/** Replies in a row that must have come fast before the connection spins. */
const FAST_IN_A_ROW = 2;

/**
 * `busyPoll: 'auto'` (the default where the process may use two CPUs) on
 * one connection of a REQ or DEALER: after it writes a lone message (a
 * request, not a batch of them) while its last replies came back within
 * {@link FAST_REPLY_US}, the event loop is kept awake until the next read,
 * for at most twice the last reply's wait (see ../busy-poll.ts), so the
 * reply is read as it lands instead of after the process has slept and
 * been woken; the spin costs no more CPU than the wait it shortens.
 * Streams (writes never followed by reads), slow peers, batches and idle
 * sockets never spin; the peer (a ROUTER or REP) never does either.
 *
 * Measured between two processes (docs/ENGINES.md): one request at a time
 * 2.5 to 3 times as many round trips as without, with less CPU per round
 * trip; nothing changes with 100 requests in flight.
 */
export class AutoSpin {
  /** When the oldest write not yet followed by a read went out (ms), or 0. */
  private since = 0;
  private fastInARow = 0;
  /** µs the last reply took. */
  private lastWait = 0;
  /** The busy-poll ticket this connection holds while it spins for a reply, or -1. */
  private ticket = -1;

  /** The connection read something: a reply to what it wrote, if it wrote. */
  read(): void {
    if (this.ticket !== -1) {
      replied(this.ticket);
      this.ticket = -1;
    }
    if (this.since === 0) return;
    this.lastWait = (performance.now() - this.since) * 1000;
    this.since = 0;
    this.fastInARow = this.lastWait < FAST_REPLY_US ? Math.min(this.fastInARow + 1, FAST_IN_A_ROW) : 0;
  }

  /** The connection wrote `messages` messages in one batch. */
  wrote(messages: number): void {
    if (this.since !== 0) return; // already waiting for a reply: only the first write of a round spins
    this.since = performance.now();
    if (messages === 1 && this.fastInARow === FAST_IN_A_ROW) {
      this.ticket = awaitReply(Math.min(MAX_SPIN_US, Math.max(MIN_SPIN_US, 2 * this.lastWait)));
    }
  }
}
