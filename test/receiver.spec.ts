/**
 * The Receiver's own subscriber list behaves as the RxJS Subject it
 * replaced: a message goes to the subscribers present when it arrives, the
 * end reaches late subscribers, and reading follows who is subscribed.
 */
import type { EngineSocket, Message } from '../src/engine';
import { Receiver } from '../src/observables/receiver';

/** Just what the Receiver asks of an engine: whether it reads. */
function fakeEngine(): EngineSocket & { reading: boolean } {
  const engine = {
    closed: false,
    reading: false,
    startReceive() {
      engine.reading = true;
    },
    pauseReceive() {
      engine.reading = false;
    },
  };
  return engine as unknown as EngineSocket & { reading: boolean };
}

const msg = (text: string): Message => [Buffer.from(text)];
const texts = (got: Message[]): string[] => got.map((m) => m[0]!.toString());

describe('Receiver', () => {
  it('delivers to the subscribers present when a message arrives, and reads only while someone listens', () => {
    const engine = fakeEngine();
    const receiver = new Receiver(engine);
    const first: Message[] = [];
    const second: Message[] = [];
    let late: { unsubscribe(): void } | undefined;
    const a = receiver.messages$.subscribe((m) => {
      first.push(m);
      // Subscribed during a delivery: hears the next message, not this one.
      late ??= receiver.messages$.subscribe((n) => second.push(n));
    });
    expect(engine.reading).toBe(true);
    receiver.message(msg('one'));
    receiver.message(msg('two'));
    a.unsubscribe();
    receiver.message(msg('three'));
    late!.unsubscribe();
    expect(engine.reading).toBe(false);
    expect(texts(first)).toEqual(['one', 'two']);
    expect(texts(second)).toEqual(['two', 'three']);
  });

  it('a subscriber that leaves during a delivery misses nothing it was there for, and gets nothing after', () => {
    const receiver = new Receiver(fakeEngine());
    const got: string[] = [];
    const leaver = receiver.messages$.subscribe((m) => {
      got.push(`leaver ${m[0]!.toString()}`);
      leaver.unsubscribe();
    });
    const stayer = receiver.messages$.subscribe((m) => got.push(`stayer ${m[0]!.toString()}`));
    receiver.message(msg('a'));
    receiver.message(msg('b'));
    stayer.unsubscribe();
    expect(got).toEqual(['leaver a', 'stayer a', 'stayer b']);
  });

  it('keeps messages that arrive with nobody subscribed for the next subscriber', () => {
    const receiver = new Receiver(fakeEngine());
    receiver.message(msg('early'));
    const got: Message[] = [];
    const sub = receiver.messages$.subscribe((m) => got.push(m));
    receiver.message(msg('later'));
    sub.unsubscribe();
    expect(texts(got)).toEqual(['early', 'later']);
  });

  it('completes every subscriber, and a later one, once the socket closed', () => {
    const receiver = new Receiver(fakeEngine());
    const ends: string[] = [];
    receiver.messages$.subscribe({ complete: () => ends.push('before') });
    receiver.complete();
    receiver.messages$.subscribe({ complete: () => ends.push('after') });
    expect(ends).toEqual(['before', 'after']);
  });

  it('errors every subscriber, and a later one, with the same error once the socket failed', () => {
    const receiver = new Receiver(fakeEngine());
    const errors: unknown[] = [];
    receiver.messages$.subscribe({ error: (err) => errors.push(err) });
    const failure = new Error('gone');
    receiver.fail(failure);
    receiver.complete(); // too late: the stream has ended
    receiver.messages$.subscribe({ error: (err) => errors.push(err), complete: () => errors.push('complete') });
    expect(errors).toEqual([failure, failure]);
  });
});
