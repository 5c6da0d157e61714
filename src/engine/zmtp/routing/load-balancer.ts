import { Rotation } from './rotation';

/**
 * libzmq's load balancer (lb_t): each message goes to the next peer in
 * turn that has room; a full peer is skipped. With no peer that has room,
 * the caller holds the message until one has.
 */
export class LoadBalancer<P> extends Rotation<P> {
  /** The next peer in turn for which `hasRoom` holds. */
  pick(hasRoom: (peer: P) => boolean): P | undefined {
    return this.next(hasRoom);
  }
}
