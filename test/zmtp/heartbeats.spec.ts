/**
 * The heartbeat clock of one zmtp connection on Jest's fake timers, timed
 * as libzmq's stream engine times it: PINGs every interval, the timeout
 * counted from the first PING after the peer was last heard, a peer's TTL
 * from its latest PING.
 */
import { Heartbeats } from '../../src/engine/zmtp/heartbeats';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Heartbeats that record when they PING and when they fail, in ms since creation. */
function clock(): { beats: Heartbeats; pings: number[]; failedAt: () => number | undefined; reason: () => string } {
  const start = performance.now();
  const pings: number[] = [];
  let failed: { at: number; error: Error } | undefined;
  const beats = new Heartbeats({
    ping: () => pings.push(performance.now() - start),
    fail: (error) => (failed ??= { at: performance.now() - start, error }),
  });
  return { beats, pings, failedAt: () => failed?.at, reason: () => failed?.error.message ?? '' };
}

describe('zmtp heartbeat clock', () => {
  it('a silent peer fails a timeout after the first PING it did not answer', () => {
    const { beats, pings, failedAt, reason } = clock();
    beats.start({ interval: 30, timeout: 150, ttl: 0 });
    jest.advanceTimersByTime(40);
    beats.heard(); // answers the PING at 30
    jest.advanceTimersByTime(1000);
    expect(failedAt()).toBe(60 + 150); // the PING at 60 went unanswered
    expect(reason()).toMatch(/no traffic from the peer for 150 ms after a PING/);
    expect(pings).toEqual([30, 60, 90, 120, 150, 180, 210]);
  });

  it('a peer that answers every PING never fails, even with a timeout shorter than the interval', () => {
    const { beats, pings, failedAt } = clock();
    beats.start({ interval: 100, timeout: 10, ttl: 0 });
    jest.advanceTimersByTime(100);
    for (let i = 0; i < 20; i++) {
      jest.advanceTimersByTime(1);
      beats.heard(); // the PONG, a millisecond after the PING
      jest.advanceTimersByTime(99); // the next PING
    }
    expect(failedAt()).toBeUndefined();
    expect(pings).toHaveLength(21);
    beats.stop();
  });

  it('with a timeout of 0 it PINGs and never fails; with an interval of 0 it does nothing', () => {
    const quiet = clock();
    quiet.beats.start({ interval: 50, timeout: 0, ttl: 0 });
    jest.advanceTimersByTime(10_000);
    expect(quiet.pings).toHaveLength(200);
    expect(quiet.failedAt()).toBeUndefined();
    const off = clock();
    off.beats.start({ interval: 0, timeout: 10, ttl: 0 });
    off.beats.start(undefined);
    jest.advanceTimersByTime(10_000);
    expect(off.pings).toEqual([]);
    expect(jest.getTimerCount()).toBe(1); // quiet's interval only
    quiet.beats.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("a peer's TTL runs from its latest PING, and anything after that PING lifts it until the next", () => {
    const { beats, failedAt, reason } = clock();
    beats.heard();
    beats.expectWithin(300); // PING at 0
    jest.advanceTimersByTime(100);
    beats.heard();
    beats.expectWithin(300); // PING at 100
    jest.advanceTimersByTime(250);
    beats.heard(); // a message at 350, after the PING: no limit now
    jest.advanceTimersByTime(1000);
    expect(failedAt()).toBeUndefined();
    beats.heard();
    beats.expectWithin(300); // PING at 1350, then silence
    jest.advanceTimersByTime(1000);
    expect(failedAt()).toBe(1650);
    expect(reason()).toMatch(/nothing from the peer within the 300 ms its PING allowed/);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stop() clears every timer; a TTL of 0 sets none', () => {
    const { beats, failedAt } = clock();
    beats.start({ interval: 10, timeout: 5, ttl: 2000 });
    beats.expectWithin(0);
    jest.advanceTimersByTime(12);
    beats.expectWithin(100);
    expect(jest.getTimerCount()).toBe(3);
    beats.stop();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1000);
    expect(failedAt()).toBeUndefined();
  });
});
