/**
 * Busy polling: keeping Node's event loop awake for a while after a socket
 * moved data, so that the answer it waits for is read as soon as it lands
 * instead of after the process (and, on a VM, its virtual CPU) has gone to
 * sleep and been woken again. Linux offers the same for kernel sockets as
 * SO_BUSY_POLL; it trades CPU for latency.
 *
 * One chain of `setImmediate` callbacks serves the whole process: while an
 * immediate is pending, libuv polls for I/O without blocking, and every
 * other timer, I/O callback and immediate runs as usual. A socket asks for
 * it in one of two ways, both of which on the hot path only set a flag or
 * a count; the chain reads the clock and ends by itself once neither holds:
 *
 * - {@link keepAwake}: a fixed span from the last activity reported
 *   (`busyPoll` in µs);
 * - {@link awaitReply}: until a reply is read, within a span (`busyPoll:
 *   'auto'`): the chain ends as soon as every waiting requester has read,
 *   so a spin never costs more than the wait it shortens.
 */

import { performance } from 'node:perf_hooks'; // the global `performance` is a getter on globalThis
// From the module, not the global: a test's fake timers (which replace the global) must not stall the chain.
import { setImmediate } from 'node:timers';

/** Activity reported with keepAwake since the chain last looked. */
let active = false;
/** The longest span (µs) asked for with keepAwake since the chain started. */
let spanMicros = 0;
/** When (performance.now()) the keepAwake spans end unless there is more activity. */
let deadline = 0;
/** Requesters of this chain still waiting for their reply, and when the chain stops waiting for them. */
let waiting = 0;
let waitDeadline = 0;
/** Numbers the chains, so that a reply read after its chain ended counts for nothing. */
let chain = 0;
let spinning = false;
let requests = 0;

/**
 * Reports activity on a socket that busy-polls for `micros` microseconds:
 * the event loop stays awake at least that long from now (from the next
 * look at the clock, at most one loop turn later).
 */
export function keepAwake(micros: number): void {
  requests++;
  active = true;
  if (micros > spanMicros) spanMicros = micros;
  start();
}

/**
 * A requester sent and waits for a reply: the event loop stays awake until
 * it calls {@link replied} with the number returned, or `micros`
 * microseconds have passed, whichever comes first.
 */
export function awaitReply(micros: number): number {
  requests++;
  waiting++;
  const until = performance.now() + micros / 1000;
  if (until > waitDeadline) waitDeadline = until;
  start();
  return chain;
}

/** The requester that was given `ticket` by {@link awaitReply} read its reply. */
export function replied(ticket: number): void {
  if (ticket === chain && waiting > 0) waiting--;
}

function start(): void {
  if (spinning) return;
  spinning = true;
  setImmediate(spin);
}

function spin(): void {
  const now = performance.now();
  if (active) {
    active = false;
    deadline = now + spanMicros / 1000;
  }
  if (now < deadline || (waiting > 0 && now < waitDeadline)) {
    setImmediate(spin);
    return;
  }
  spinning = false;
  spanMicros = 0;
  waiting = 0;
  waitDeadline = 0;
  chain++;
}

/** How often a socket asked to keep the loop awake, since the process started (for tests). */
export function busyPollRequests(): number {
  return requests;
}

/** True while the event loop is being kept awake. */
export function isBusyPolling(): boolean {
  return spinning;
}
