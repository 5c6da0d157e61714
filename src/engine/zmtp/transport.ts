import { unlinkSync } from 'node:fs';
import { connect, createServer, isIP, isIPv6, type AddressInfo, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { engineError, notSupported } from './errors';
import { dialSocks, SOCKS_CONNECTED, type HostPort, type SocksRoute } from './socks';

/**
 * Where an endpoint points: a tcp host and port (0: any), a Unix socket
 * path, or an inproc name (piped within this process, see `inproc.ts`).
 */
export type Target =
  /**
   * `source`: the local address and port to connect from (libzmq's
   * `tcp://source:port;host:port`); `proxy`: connect through this SOCKS5
   * proxy (ZMQ_SOCKS_PROXY).
   */
  | { transport: 'tcp'; host: string; port: number; source?: HostPort; proxy?: SocksRoute }
  | { transport: 'ipc'; path: string }
  | { transport: 'inproc'; name: string };

/** The targets that travel over a Node stream socket. */
export type StreamTarget = Exclude<Target, { transport: 'inproc' }>;

const TCP = /^tcp:\/\/(?:(\[[^\]]+\]|[^:/[\];]+):(\*|\d{1,5});)?(\[[^\]]+\]|[^:/[\];]+):(\*|\d{1,5})$/;
const portOf = (text: string): number => (text === '*' ? 0 : Number(text));
const unbracket = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

/**
 * Parses `tcp://host:port` (`*` for any host or port, `[::1]` for IPv6,
 * `tcp://source:port;host:port` to connect from a given address) and
 * `ipc://path` (`@name` for Linux's abstract namespace) and `inproc://name`.
 *
 * @throws an error with code `EPROTONOSUPPORT` for a transport this engine
 * lacks (pgm, ws, ...), `EINVAL` for a malformed endpoint
 */
export function parseEndpoint(endpoint: string): Target {
  const scheme = /^([a-z0-9+]+):\/\//.exec(endpoint)?.[1];
  if (scheme === 'tcp') {
    const match = TCP.exec(endpoint);
    const port = portOf(match?.[4] ?? '');
    if (!match || !(port >= 0 && port <= 0xffff)) throw engineError('EINVAL', `malformed tcp endpoint ${endpoint}`);
    const host = match[3]!;
    const target = { transport: 'tcp' as const, host: host === '*' ? '0.0.0.0' : unbracket(host), port };
    return match[1] === undefined ? target : { ...target, source: sourceOf(match[1], portOf(match[2]!), target.host, endpoint) };
  }
  if (scheme === 'ipc') {
    const path = endpoint.slice('ipc://'.length);
    if (path === '' || path === '*') throw engineError('EINVAL', `the zmtp engine needs an ipc path, got ${endpoint}`);
    return { transport: 'ipc', path: path.startsWith('@') ? `\0${path.slice(1)}` : path };
  }
  if (scheme === 'inproc') {
    const name = endpoint.slice('inproc://'.length);
    if (name === '' || name === '*') throw engineError('EINVAL', `an inproc endpoint needs a name, got ${endpoint}`);
    return { transport: 'inproc', name };
  }
  if (scheme === undefined) throw engineError('EINVAL', `malformed endpoint ${endpoint}`);
  throw notSupported(`the ${scheme}:// transport`, 'EPROTONOSUPPORT');
}

/**
 * The local address of `tcp://source:port;host:port`: an IP address, or a
 * network interface's name (its first address of the destination's family),
 * as libzmq takes it; `*` is refused, as libzmq refuses it.
 */
function sourceOf(host: string, port: number, destination: string, endpoint: string): HostPort {
  const name = unbracket(host);
  const malformed = (why: string): Error => engineError('EINVAL', `malformed tcp endpoint ${endpoint}: ${why}`);
  if (!(port >= 0 && port <= 0xffff)) throw malformed('the source port is out of range');
  if (isIP(name)) return { host: name, port };
  if (name === '*') throw malformed('give the source as an address or an interface name');
  const family = isIPv6(destination) ? 'IPv6' : 'IPv4';
  const address = networkInterfaces()[name]?.find((entry) => entry.family === family)?.address;
  if (address === undefined) throw malformed(`no ${family} address on an interface named ${name}`);
  return { host: address, port };
}

/** The endpoint a server listens on, as libzmq reports it (`tcp://127.0.0.1:40123`, `ipc:///tmp/x.sock`). */
function resolved(server: Server, target: StreamTarget): string {
  if (target.transport === 'ipc') return `ipc://${target.path.replace(/^\0/, '@')}`;
  const { address, family, port } = server.address() as AddressInfo;
  return `tcp://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}

/**
 * Listens on `target`; `onSocket` gets each accepted connection. An ipc
 * path left behind by an earlier run is removed first, as libzmq does.
 * `backlog`: connections the kernel queues before they are accepted.
 * Resolves with the server and the resolved endpoint.
 */
export function listen(
  target: StreamTarget,
  onSocket: (socket: Socket) => void,
  backlog?: number,
): Promise<{ server: Server; endpoint: string }> {
  const server = createServer({ noDelay: true }, onSocket);
  if (target.transport === 'ipc' && !target.path.startsWith('\0')) {
    try {
      unlinkSync(target.path);
    } catch {
      // nothing there (or not ours to remove): listen reports what matters
    }
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => {
      server.off('error', reject);
      // Errors on a listening server (EMFILE on accept, ...) must not crash the process.
      server.on('error', () => undefined);
      resolve({ server, endpoint: resolved(server, target) });
    };
    if (target.transport === 'tcp') server.listen({ port: target.port, host: target.host, backlog }, ready);
    else server.listen({ path: target.path, backlog }, ready);
  });
}

/** Starts a connection to `target`; the caller listens for `error` and the event named `connected`. */
export function dial(target: StreamTarget): { socket: Socket; connected: string } {
  if (target.transport === 'ipc') return { socket: connect({ path: target.path }), connected: 'connect' };
  const local = target.source ? { localAddress: target.source.host, localPort: target.source.port || undefined } : {};
  if (target.proxy) return { socket: dialSocks(target.proxy, target, local), connected: SOCKS_CONNECTED };
  return { socket: connect({ host: target.host, port: target.port, noDelay: true, ...local }), connected: 'connect' };
}
