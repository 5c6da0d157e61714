import type { SocketType } from '../../types';

/** A socket type as ZMTP names it in the Socket-Type property (RFC 37). */
export type ZmtpSocketTypeName =
  | 'PAIR'
  | 'PUB'
  | 'SUB'
  | 'XPUB'
  | 'XSUB'
  | 'REQ'
  | 'REP'
  | 'DEALER'
  | 'ROUTER'
  | 'PUSH'
  | 'PULL';

/** The Socket-Type each rxzmq socket type announces (`'pub'` → `'PUB'`). */
export const SOCKET_TYPE_NAMES: Readonly<Record<SocketType, ZmtpSocketTypeName>> = {
  pair: 'PAIR',
  pub: 'PUB',
  sub: 'SUB',
  xpub: 'XPUB',
  xsub: 'XSUB',
  req: 'REQ',
  rep: 'REP',
  dealer: 'DEALER',
  router: 'ROUTER',
  push: 'PUSH',
  pull: 'PULL',
};

/**
 * The legal pairs of RFC 37's table, including the draft thread-safe
 * types, so that a peer announcing one is refused rather than unknown.
 */
const PEERS = new Map<string, readonly string[]>([
  ['REQ', ['REP', 'ROUTER']],
  ['REP', ['REQ', 'DEALER']],
  ['DEALER', ['REP', 'DEALER', 'ROUTER']],
  ['ROUTER', ['REQ', 'DEALER', 'ROUTER']],
  ['PUB', ['SUB', 'XSUB']],
  ['XPUB', ['SUB', 'XSUB']],
  ['SUB', ['PUB', 'XPUB']],
  ['XSUB', ['PUB', 'XPUB']],
  ['PUSH', ['PULL']],
  ['PULL', ['PUSH']],
  ['PAIR', ['PAIR']],
  ['CLIENT', ['SERVER']],
  ['SERVER', ['CLIENT']],
  ['RADIO', ['DISH']],
  ['DISH', ['RADIO']],
  ['SCATTER', ['GATHER']],
  ['GATHER', ['SCATTER']],
  ['PEER', ['PEER']],
  ['CHANNEL', ['CHANNEL']],
]);

function wireName(type: string): string {
  return Object.hasOwn(SOCKET_TYPE_NAMES, type) ? SOCKET_TYPE_NAMES[type as SocketType] : type;
}

/**
 * Whether sockets of types `a` and `b` may talk, per RFC 37's table. Each
 * is an rxzmq type (`'pub'`) or a wire name (`'PUB'`, as in a peer's
 * Socket-Type, which is case-sensitive as libzmq compares it); anything
 * else is compatible with nothing.
 */
export function compatible(a: string, b: string): boolean {
  return PEERS.get(wireName(a))?.includes(wireName(b)) ?? false;
}

/**
 * Whether a socket of type `ours` accepts a peer announcing `socketType` in
 * its READY: the peer's name must be a wire name exactly (`'PUSH'`, not
 * `'push'`: libzmq compares it case-sensitively), and compatible.
 */
export function acceptsPeer(ours: string, socketType: string): boolean {
  return PEERS.has(socketType) && compatible(ours, socketType);
}
