/**
 * ZMQ_TCP_ACCEPT_FILTER: a bound tcp endpoint accepts connections only from
 * the addresses a filter names, an IPv4 or IPv6 address or CIDR block
 * (zeromq.js's `tcpAcceptFilter` takes one), as libzmq's listener checks
 * each accepted connection before its handshake.
 */
import { BlockList, isIP, type Socket } from 'node:net';
import { engineError } from './errors';

/**
 * The allow-list for `filter`, `address` or `address/bits`.
 *
 * @throws EINVAL for anything else
 */
export function acceptFilterOf(filter: string): BlockList {
  const [address = '', bits, extra] = filter.split('/');
  const family = isIP(address);
  const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || bits === '') {
    throw engineError('EINVAL', `tcpAcceptFilter must be an IPv4 or IPv6 address or CIDR block, got ${JSON.stringify(filter)}`);
  }
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  return list;
}

/** The address of the connection's other end, an IPv4 address mapped into IPv6 read as IPv4. */
const remoteOf = (socket: Socket): string => (socket.remoteAddress ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

/** True when `filter` lets the connection on `socket` in (no filter: every connection). */
export function accepts(filter: BlockList | undefined, socket: Socket): boolean {
  if (!filter) return true;
  const remote = remoteOf(socket);
  const family = isIP(remote);
  return family !== 0 && filter.check(remote, family === 6 ? 'ipv6' : 'ipv4');
}

/** The error of an `acceptFailed` event for a connection the filter kept out. */
export const refusedByFilter = (socket: Socket): Error =>
  engineError('ECONNREFUSED', `a connection from ${remoteOf(socket)} is not in tcpAcceptFilter`);
