import { map, Observable, of, type Subscription } from 'rxjs';
import type { Message, Sendable } from '../engine';
import type { PeerLiveness } from './heartbeat';
import type { SendTarget } from './sendTo';

/** A ROUTER socket as the peer operators use it: it receives `[identity, ...]` and sends to an identity. */
export type RouterTarget = Observable<Message> & SendTarget & { readonly type: 'router' };

/** Where {@link roundRobin} and {@link broadcast} deliver: a socket (sent with `send$`) or any Observer. */
export type Target<T> = SendTarget | { next(value: T): void };

/** Delivers `value` to `target`: through `send$` when it has one (emits once sent), else `next` (at once). */
export function deliver<T>(target: Target<T>, value: T): Observable<T> {
  if (typeof (target as SendTarget).send$ === 'function') {
    return (target as SendTarget).send$(value as unknown as Sendable).pipe(map(() => value));
  }
  (target as { next(value: T): void }).next(value);
  return of(value);
}

/** True when `x` is a ROUTER socket. */
export const isRouter = (x: unknown): x is RouterTarget =>
  x instanceof Observable && (x as { type?: unknown }).type === 'router' && typeof (x as unknown as SendTarget).send$ === 'function';

/**
 * The peers a ROUTER has heard from, in the order they first spoke, for as
 * long as it is watched: every incoming message adds its sender; a
 * `liveness` feed (a heartbeat's `peers$`) adds live peers and removes dead
 * ones. Waiters get called once a peer is known.
 */
export class PeerList {
  private readonly ids: Buffer[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly router: RouterTarget,
    private readonly liveness?: Observable<PeerLiveness>,
  ) {}

  /** The peers known now. */
  get peers(): readonly Buffer[] {
    return this.ids;
  }

  /** Starts learning peers; the subscription stops it. */
  watch(onError: (err: unknown) => void): Subscription {
    const subscription = this.router.subscribe({ next: ([id]) => id && this.add(id), error: onError });
    if (this.liveness) {
      subscription.add(
        this.liveness.subscribe(({ peer, alive }) => {
          if (!peer) return;
          if (alive) this.add(peer);
          else this.remove(peer);
        }),
      );
    }
    return subscription;
  }

  /** Forgets a peer (it is dead, or unreachable). */
  remove(id: Buffer): void {
    const index = this.ids.findIndex((known) => known.equals(id));
    if (index >= 0) this.ids.splice(index, 1);
  }

  /** An Observable that emits once, as soon as at least one peer is known. */
  readonly known$ = new Observable<void>((subscriber) => {
    const go = (): void => {
      subscriber.next();
      subscriber.complete();
    };
    if (this.ids.length > 0) {
      go();
      return;
    }
    this.waiters.push(go);
    return () => {
      const index = this.waiters.indexOf(go);
      if (index >= 0) this.waiters.splice(index, 1);
    };
  });

  private add(id: Buffer): void {
    if (this.ids.some((known) => known.equals(id))) return;
    this.ids.push(Buffer.from(id));
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
