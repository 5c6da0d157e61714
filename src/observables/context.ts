/** The part of a socket a context needs to close it. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Tracks the sockets made with it, so that all of them close at once at
 * shutdown (as txZMQ's factory does). Sockets made without a `context`
 * option belong to {@link defaultContext}.
 *
 * ## Example
 * ```ts
 * import { Context, pull, push } from 'rxzmq';
 * const context = new Context();
 * context.closeOnSignals();                      // SIGINT, SIGTERM
 * const out = push({ context, bind: 'tcp://127.0.0.1:5555' });
 * const inp = pull({ context, connect: 'tcp://127.0.0.1:5555' });
 * await context.close();                         // closes both
 * ```
 */
export class Context {
  private readonly sockets = new Set<Closable>();

  /** How many sockets of this context are open. */
  get size(): number {
    return this.sockets.size;
  }

  /** @internal Called by every socket at creation. */
  track(socket: Closable): void {
    this.sockets.add(socket);
  }

  /** @internal Called by every socket when it closes. */
  untrack(socket: Closable): void {
    this.sockets.delete(socket);
  }

  /** Closes every open socket of this context. */
  async close(): Promise<void> {
    await Promise.all([...this.sockets].map((socket) => socket.close()));
  }

  /**
   * Closes every socket when the process gets one of `signals`, then lets
   * the signal's default action run (the process exits). Returns a function
   * that removes the hook.
   */
  closeOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
    const onSignal = (signal: NodeJS.Signals): void => {
      remove();
      void this.close().finally(() => process.kill(process.pid, signal));
    };
    const remove = (): void => {
      for (const signal of signals) process.off(signal, onSignal);
    };
    for (const signal of signals) process.once(signal, onSignal);
    return remove;
  }
}

/** The context of sockets made without a `context` option. */
export const defaultContext = new Context();
