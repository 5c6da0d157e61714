/**
 * Busy polling: keeping Node's event loop awake for a while after a socket
 * moved data, so that the answer it waits for is read as soon as it lands
 * instead of after the process (and, on a VM, its virtual CPU) has gone to
 * sleep and been woken again. Linux offers the same for kernel sockets as
 * SO_BUSY_POLL; it trades CPU for latency.
 *
 * One chain of `setImmediate` callbacks serves the whole process: while an
 * immediate is pending, libuv polls for I/O without blocking, and every
 * other timer, I/O callback and immediate runs as usual. A socket reports
 * activity with {@link keepAwake}, which on the hot path only sets a flag;
 * the chain reads the clock and ends by itself once nothing has been
 * reported for the longest span asked for since it started.
 */

import { performance } from 'node:perf_hooks'; // the global `performance` is a getter on globalThis

/** Activity reported since the chain last looked. */
let active = false;
/** The longest span (µs) asked for since the chain started. */
let spanMicros = 0;
/** When (performance.now()) the chain stops unless there is more activity. */
let deadline = 0;
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
  if (now < deadline) {
    setImmediate(spin);
    return;
  }
  spinning = false;
  spanMicros = 0;
}

/** How often a socket asked to keep the loop awake, since the process started (for tests). */
export function busyPollRequests(): number {
  return requests;
}

/** True while the event loop is being kept awake. */
export function isBusyPolling(): boolean {
  return spinning;
}
