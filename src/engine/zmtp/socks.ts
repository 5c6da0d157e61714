/**
 * Connecting through a SOCKS5 proxy (RFC 1928), as libzmq does for
 * ZMQ_SOCKS_PROXY: no authentication, a CONNECT to the target as given
 * (an IPv4 or IPv6 address as such, a host name unresolved for the proxy
 * to resolve), then the ZMTP stream over the same socket.
 */
import { isIPv4, isIPv6, connect, type Socket } from 'node:net';
import { engineError } from './errors';

/** A proxy or target address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** A proxy, and the CONNECT request it is sent for one target (encoded once, at `connect()`). */
export interface SocksRoute extends HostPort {
  readonly request: Buffer;
}

/** The event a socket from {@link dialSocks} emits once the proxy has connected it to the target. */
export const SOCKS_CONNECTED = 'socksConnected';

const VERSION = 5;
const NO_AUTHENTICATION = 0;
const CONNECT = 1;
const REPLY_REASONS: Readonly<Record<number, string>> = {
  1: 'general failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** Reads `host:port` (an IPv6 host in brackets) as libzmq's ZMQ_SOCKS_PROXY takes it. */
export function parseProxy(value: string): HostPort {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || !(port > 0 && port <= 0xffff)) {
    throw engineError('EINVAL', `socksProxy must be host:port, got ${JSON.stringify(value)}`);
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * The CONNECT request for `target`.
 *
 * @throws EINVAL for a host name longer than SOCKS carries (255 bytes)
 */
export function socksRequest(target: HostPort): Buffer {
  let address: Buffer;
  if (isIPv4(target.host)) address = Buffer.from([1, ...target.host.split('.').map(Number)]);
  else if (isIPv6(target.host)) address = Buffer.concat([Buffer.from([4]), ipv6Bytes(target.host)]);
  else {
    const name = Buffer.from(target.host);
    if (name.length > 255) throw engineError('EINVAL', `a host name for the SOCKS proxy is at most 255 bytes: ${target.host}`);
    address = Buffer.concat([Buffer.from([3, name.length]), name]);
  }
  const port = Buffer.alloc(2);
  port.writeUInt16BE(target.port);
  return Buffer.concat([Buffer.from([VERSION, CONNECT, 0]), address, port]);
}

/** The 16 bytes of an IPv6 address (`::` expanded, an IPv4 tail converted). */
function ipv6Bytes(host: string): Buffer {
  let text = host;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), 2 * i));
  return bytes;
}

/** Bytes the proxy's reply takes, once its first five are known (-1: not yet known). */
function replyLength(head: Buffer): number {
  if (head.length < 5) return -1;
  const type = head[3];
  const address = type === 1 ? 4 : type === 4 ? 16 : type === 3 ? 1 + head[4]! : -1;
  return address < 0 ? -1 : 4 + address + 2;
}

/**
 * Connects to `proxy` (from `local`, when given) and sends its request for `target`. The socket emits
 * {@link SOCKS_CONNECTED} once the stream to the target is open (anything
 * the target already sent is kept for the next reader, the socket left
 * paused), or is destroyed with an error saying why the proxy would not.
 */
export function dialSocks(proxy: SocksRoute, target: HostPort, local: { localAddress?: string; localPort?: number } = {}): Socket {
  const socket = connect({ host: proxy.host, port: proxy.port, noDelay: true, ...local });
  let received: Buffer = Buffer.alloc(0);
  let stage: 'method' | 'reply' = 'method';
  const fail = (reason: string): void => {
    socket.destroy(engineError('ECONNREFUSED', `the SOCKS proxy ${proxy.host}:${proxy.port} ${reason}`));
  };
  const onData = (chunk: Buffer): void => {
    received = received.length > 0 ? Buffer.concat([received, chunk]) : chunk;
    if (stage === 'method') {
      if (received.length < 2) return;
      if (received[0] !== VERSION || received[1] !== NO_AUTHENTICATION) return fail('wants an authentication method libzmq does not offer');
      received = received.subarray(2);
      stage = 'reply';
      socket.write(proxy.request);
    }
    const length = replyLength(received);
    if (length < 0 || received.length < length) {
      if (received.length >= 5 && length < 0) fail('sent a malformed reply');
      return;
    }
    if (received[0] !== VERSION || received[1] !== 0) {
      return fail(`did not connect to ${target.host}:${target.port}: ${REPLY_REASONS[received[1]!] ?? `reply ${received[1]}`}`);
    }
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.pause();
    if (received.length > length) socket.unshift(received.subarray(length));
    socket.emit(SOCKS_CONNECTED);
  };
  // A proxy that hangs up mid-handshake fails the attempt (an 'end' alone would leave the dialer waiting).
  const onEnd = (): void => fail('closed the connection before it was connected to the target');
  socket.once('connect', () => {
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.write(Buffer.from([VERSION, 1, NO_AUTHENTICATION]));
  });
  return socket;
}
