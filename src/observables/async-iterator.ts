import type { Message } from '../engine';
import type { Receiver } from './receiver';

/**
 * `for await (const msg of socket)`: reads one message ahead at most, holding
 * the socket's reading while a message waits for the loop, so a slow loop
 * pushes back through the receive high-water mark. Leaving the loop
 * (`break`, `return`, a throw) unsubscribes; the socket stays open.
 */
export function messageIterator(receiver: Receiver): AsyncIterableIterator<Message> {
  const buffer: Message[] = [];
  let pending: { resolve(r: IteratorResult<Message>): void; reject(e: unknown): void } | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;

  const hold = receiver.holdSwitch();

  const subscription = receiver.messages$.subscribe({
    next(msg) {
      if (pending) {
        const waiter = pending;
        pending = undefined;
        waiter.resolve({ value: msg, done: false });
      } else {
        buffer.push(msg);
        hold(true);
      }
    },
    error(error) {
      failure = { error };
      settleEnd();
    },
    complete() {
      finished = true;
      settleEnd();
    },
  });

  function settleEnd(): void {
    hold(false);
    if (!pending) return;
    const waiter = pending;
    pending = undefined;
    if (failure) waiter.reject(failure.error);
    else waiter.resolve({ value: undefined, done: true });
  }

  const stop = (): void => {
    finished = true;
    subscription.unsubscribe();
    // The read-ahead message (or a burst a synchronous engine delivered) is not lost: the next subscriber gets it.
    receiver.unread(buffer.splice(0));
    hold(false);
  };

  return {
    next(): Promise<IteratorResult<Message>> {
      if (buffer.length > 0) {
        const value = buffer.shift()!;
        if (buffer.length === 0) hold(false);
        return Promise.resolve({ value, done: false });
      }
      if (failure) {
        const { error } = failure;
        failure = undefined;
        finished = true;
        return Promise.reject(error);
      }
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => (pending = { resolve, reject }));
    },
    return(): Promise<IteratorResult<Message>> {
      stop();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err?: unknown): Promise<IteratorResult<Message>> {
      stop();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
