import type { MechanismHost } from './mechanism';
import { sodiumLoaded, sodiumReady } from './sodium';

/**
 * Runs a mechanism's steps (its start, each command read) once libsodium is
 * ready: at once when it already is, else queued and run in the order they
 * came when it becomes ready. A queued step runs only if the connection is
 * still open, and what it throws fails the connection (as a step run at
 * once throws to the connection itself).
 */
export class SodiumGate {
  private queue: (() => void)[] | undefined;

  /** Starts loading libsodium (if nobody has), so that it loads while the connection greets its peer. */
  constructor(private readonly host: MechanismHost) {
    // A failure to load is reported by the first step run; here it is only noted as handled.
    sodiumReady().catch(() => undefined);
  }

  /** Runs `step` now or, before libsodium is ready, later; see the class. */
  run(step: () => void): void {
    if (this.queue) {
      this.queue.push(step);
      return;
    }
    if (sodiumLoaded()) {
      step();
      return;
    }
    const queue = [step];
    this.queue = queue;
    void sodiumReady().then(
      () => this.drain(queue),
      (error: unknown) => this.failed(error),
    );
  }

  private drain(queue: (() => void)[]): void {
    // A step queued while this runs (none is expected: the connection reads on a later tick) joins the same queue.
    for (let i = 0; i < queue.length; i++) {
      if (this.host.closed) break;
      try {
        queue[i]();
      } catch (error) {
        this.host.fail(error as Error);
        break;
      }
    }
    this.queue = undefined;
  }

  private failed(error: unknown): void {
    this.queue = undefined;
    if (!this.host.closed) this.host.fail(new Error('rxzmq: libsodium failed to load', { cause: error }));
  }
}
