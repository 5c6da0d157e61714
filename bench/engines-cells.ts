/**
 * One pairing's figures in bench/engines.ts: PUSH -> PULL streams (plain
 * and CURVE, with the receiver's memory during the 16 B stream) and
 * DEALER -> ROUTER request-reply, the receiving end run by a {@link Peer}
 * (in this process or a child), the sending end here.
 */
import { curveKeys, startCaller, startSource, type BusyPoll, type Go, type Impl, type StreamImpl } from './engines-ends';
import type { MemoryGrowth } from './engines-memory';
import type { Peer } from './engines-peer';
import { measure, type Plan, type Sample } from './rpc-harness';

/** Which implementation sends (source, caller) and which receives (sink, echo server). */
export interface Pairing {
  readonly label: string;
  readonly client: Impl;
  readonly server: Impl;
  /** Both ends take this `busyPoll` (µs or `'auto'`; 0 is off); such a pairing runs the request-reply cells only. */
  readonly busyPoll?: BusyPoll;
}

/** A pairing whose implementations both have stream ends. */
interface StreamPairing extends Pairing {
  readonly client: StreamImpl;
  readonly server: StreamImpl;
}

const streams = (pairing: Pairing): pairing is StreamPairing =>
  pairing.client !== 'net' && pairing.server !== 'net' && pairing.busyPoll === undefined;

/** How long and how much to measure. */
export interface CellPlan extends Plan {
  /** Messages sent (and received) before a stream is timed. */
  readonly streamWarmup: number;
  /** How long the sink may go without the messages it waits for before the cell fails as stalled. */
  readonly stallMs: number;
}

/**
 * A pairing's figures; `undefined` where the pairing cannot run the cell
 * (CURVE where an end refuses it, ENOTSUP; streams and memory for `net`).
 */
export interface Figures {
  readonly stream16: number | undefined;
  readonly stream1k: number | undefined;
  readonly curve16: number | undefined;
  readonly requests: Sample;
  readonly memory: MemoryGrowth | undefined;
}

/** A stream's rate (msg/s) and, when watched, the receiver's memory growth during it. */
interface Stream {
  readonly rate: number;
  readonly memory: MemoryGrowth | undefined;
}

const count =
  (n: number): Go =>
  (sent) =>
    sent < n;

/** Goes on until `seconds` have passed, reading the clock every 64 messages. */
function until(seconds: number): Go {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  return (sent) => (sent & 63) !== 0 || process.hrtime.bigint() < end;
}

const unsupported = (err: unknown): boolean => (err as { code?: unknown }).code === 'ENOTSUP';

/**
 * Streams `size`-byte messages from a fresh source to a fresh sink: the
 * warmup, then one `await send()` after another for `plan.seconds`; the rate
 * counts the messages sent in that time over the time until the sink has
 * received the last of them.
 */
async function stream(
  peer: Peer,
  pairing: StreamPairing,
  size: number,
  plan: CellPlan,
  options: { curve?: boolean; watch?: boolean },
): Promise<Stream> {
  const keys = options.curve ? curveKeys() : undefined;
  // From before the sink is made: the engine's own threads and buffers count too.
  if (options.watch) await peer.watchMemory();
  const endpoint = await peer.start({ kind: 'sink', impl: pairing.server, keys });
  try {
    const source = startSource(pairing.client, endpoint, keys);
    try {
      const msg = Buffer.alloc(size, 0x61);
      await source.sendWhile(msg, count(plan.streamWarmup));
      await peer.reach(plan.streamWarmup, plan.stallMs);
      const start = process.hrtime.bigint();
      const sent = await source.sendWhile(msg, until(plan.seconds));
      await peer.reach(plan.streamWarmup + sent, plan.stallMs);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return { rate: sent / seconds, memory: options.watch ? await peer.memory() : undefined };
    } finally {
      await source.close();
    }
  } finally {
    await peer.stop();
  }
}

/** Request-reply through a fresh echo server: bench/rpc-harness.ts's plan (1, then `inFlight` in flight). */
async function requests(peer: Peer, pairing: Pairing, plan: CellPlan): Promise<Sample> {
  const endpoint = await peer.start({ kind: 'echo', impl: pairing.server, busyPoll: pairing.busyPoll });
  try {
    const caller = await startCaller(pairing.client, endpoint, pairing.busyPoll);
    try {
      return await measure(caller, plan);
    } finally {
      await caller.close();
    }
  } finally {
    await peer.stop();
  }
}

/**
 * Measures every cell of `pairing` (request-reply only for `net` and for
 * busy-polling pairings), the 16 B stream (with the receiver's memory) first.
 */
export async function measurePairing(peer: Peer, pairing: Pairing, plan: CellPlan): Promise<Figures> {
  if (!streams(pairing)) {
    const calls = await requests(peer, pairing, plan);
    return { stream16: undefined, stream1k: undefined, curve16: undefined, requests: calls, memory: undefined };
  }
  const small = await stream(peer, pairing, 16, plan, { watch: true });
  const large = await stream(peer, pairing, 1024, plan, {});
  let curve16: number | undefined;
  try {
    curve16 = (await stream(peer, pairing, 16, plan, { curve: true })).rate;
  } catch (err) {
    if (!unsupported(err)) throw err;
  }
  const calls = await requests(peer, pairing, plan);
  return { stream16: small.rate, stream1k: large.rate, curve16, requests: calls, memory: small.memory! };
}
