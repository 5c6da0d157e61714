/**
 * Peers taken in turn: the rotation libzmq's load balancer (lb_t) and fair
 * queue (fq_t) share. `next` returns the first peer from the current turn
 * on that a test accepts, and moves the turn past it.
 */
export class Rotation<P> {
  private readonly peers: P[] = [];
  private turn = 0;

  get size(): number {
    return this.peers.length;
  }

  add(peer: P): void {
    if (!this.peers.includes(peer)) this.peers.push(peer);
  }

  remove(peer: P): void {
    const index = this.peers.indexOf(peer);
    if (index < 0) return;
    this.peers.splice(index, 1);
    if (this.turn > index) this.turn--;
    if (this.turn >= this.peers.length) this.turn = 0;
  }

  /** The next peer in turn for which `accepts` holds, if any. */
  protected next(accepts: (peer: P) => boolean): P | undefined {
    const count = this.peers.length;
    for (let i = 0; i < count; i++) {
      const index = (this.turn + i) % count;
      const peer = this.peers[index]!;
      if (!accepts(peer)) continue;
      this.turn = (index + 1) % count;
      return peer;
    }
    return undefined;
  }
}
