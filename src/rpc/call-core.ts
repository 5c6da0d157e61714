import type { Observable } from 'rxjs';
import type { DealerSocket } from '../observables';

/** What a request-reply client needs from its protocol. */
export interface CallCore {
  /** The DEALER socket underneath. */
  readonly socket: DealerSocket;
  /** Replies that matched no waiting call, dropped. */
  readonly late: number;
  /**
   * One call as a cold Observable: it goes out when subscribed; a plain call
   * emits its result once, a stream every value; unsubscribing early
   * cancels it where the protocol can.
   */
  invoke(method: string, args: unknown[], stream: boolean, timeout: number | undefined): Observable<unknown>;
}
