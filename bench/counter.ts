/**
 * Counts the messages a benchmark's receiver gets, and wakes whoever waits
 * for a count to be reached.
 */
export class Counter {
  /** Messages counted so far. */
  count = 0;
  private target = Infinity;
  private resolve: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Called by the receiver on each message. */
  readonly hit = (): void => {
    if (++this.count >= this.target) this.wake();
  };

  /**
   * Resolves once `target` messages have been counted (one waiter at a
   * time). With `ms`, rejects when they have not come by then, which turns a
   * stalled transport into an error instead of a hung benchmark.
   */
  reach(target: number, ms?: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.target = target;
      this.resolve = resolve;
      if (ms === undefined) return;
      this.timer = setTimeout(() => {
        this.target = Infinity;
        this.resolve = undefined;
        reject(new Error(`stalled: ${this.count} of ${target} messages received after ${ms} ms`));
      }, ms);
    });
  }

  private wake(): void {
    const resolve = this.resolve!;
    clearTimeout(this.timer);
    this.target = Infinity;
    this.resolve = undefined;
    this.timer = undefined;
    resolve();
  }
}
