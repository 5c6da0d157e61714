import { randomInt } from 'node:crypto';

/**
 * A ROUTER's table of peers by routing id. A peer that announced no
 * Identity gets a generated one, as libzmq generates them: five bytes, a
 * zero then a 32-bit counter (big-endian) that starts at a random value.
 */
export class IdentityTable<P> {
  private readonly byId = new Map<string, P>();
  private counter = randomInt(0, 2 ** 32);

  /**
   * Registers `peer` under `identity` (generated when absent or empty) and
   * returns the id, or undefined when another peer already has it (libzmq
   * then ignores the newcomer, unless ROUTER handover is on).
   */
  add(peer: P, identity: Buffer | undefined): Buffer | undefined {
    const id = identity && identity.length > 0 ? identity : this.generate();
    const key = id.toString('latin1');
    if (this.byId.has(key)) return undefined;
    this.byId.set(key, peer);
    return id;
  }

  remove(identity: Buffer): void {
    this.byId.delete(identity.toString('latin1'));
  }

  get(identity: Buffer): P | undefined {
    return this.byId.get(identity.toString('latin1'));
  }

  /** A fresh id, in use by no peer (libzmq's shape: a zero, then the counter). */
  generate(): Buffer {
    for (;;) {
      const id = Buffer.alloc(5);
      id.writeUInt32BE(this.counter, 1);
      this.counter = (this.counter + 1) % 2 ** 32;
      if (!this.byId.has(id.toString('latin1'))) return id;
    }
  }
}
