/**
 * A minimal SOCKS5 server for the tests (RFC 1928: no authentication,
 * CONNECT only): it records each CONNECT request's target as the client
 * wrote it, connects there and then relays both ways. With `refuse`, it
 * answers every CONNECT with "connection refused" (reply code 5).
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A CONNECT request as the client sent it: address type (1 IPv4, 3 domain name, 4 IPv6), host and port. */
export interface SocksRequest {
  readonly addressType: number;
  readonly host: string;
  readonly port: number;
}

export interface SocksServer {
  /** `host:port` to give as `socksProxy`. */
  readonly address: string;
  readonly requests: SocksRequest[];
  /** The address each client connected from. */
  readonly clients: string[];
  close(): Promise<void>;
}

/** Reads exactly `n` bytes that `take` has been fed, across chunks. */
class Reader {
  private buffer = Buffer.alloc(0);
  private waiting: { n: number; resolve: (bytes: Buffer) => void } | undefined;

  feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.serve();
  }

  take(n: number): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiting = { n, resolve };
      this.serve();
    });
  }

  /** What came after the last `take`. */
  rest(): Buffer {
    return this.buffer;
  }

  private serve(): void {
    const waiting = this.waiting;
    if (!waiting || this.buffer.length < waiting.n) return;
    this.waiting = undefined;
    const bytes = this.buffer.subarray(0, waiting.n);
    this.buffer = this.buffer.subarray(waiting.n);
    waiting.resolve(bytes);
  }
}

async function handshake(client: Socket, requests: SocksRequest[], refuse: boolean, sockets: Set<Socket>): Promise<void> {
  const reader = new Reader();
  const feed = (chunk: Buffer): void => reader.feed(chunk);
  client.on('data', feed);
  const [version, methods] = await reader.take(2);
  await reader.take(methods!);
  if (version !== 5) return void client.destroy();
  client.write(Buffer.from([5, 0]));
  const [, command, , addressType] = await reader.take(4);
  let host: string;
  if (addressType === 1) host = [...(await reader.take(4))].join('.');
  else if (addressType === 3) host = (await reader.take((await reader.take(1))[0]!)).toString();
  else host = ((await reader.take(16)).toString('hex').match(/.{4}/g) ?? []).join(':');
  const port = (await reader.take(2)).readUInt16BE(0);
  requests.push({ addressType: addressType!, host, port });
  const reply = (code: number): Buffer => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
  if (command !== 1 || refuse) {
    client.end(reply(5));
    return;
  }
  const target = connect({ host: addressType === 3 && host === 'localhost' ? '127.0.0.1' : host, port });
  sockets.add(target);
  target.on('error', () => client.destroy());
  target.on('close', () => client.destroy());
  client.on('close', () => target.destroy());
  target.once('connect', () => {
    client.off('data', feed);
    client.write(reply(0));
    const early = reader.rest();
    if (early.length > 0) target.write(early);
    client.pipe(target);
    target.pipe(client);
  });
}

/** Starts a SOCKS5 server on a loopback port the OS picks. */
export async function startSocksServer(options: { refuse?: boolean } = {}): Promise<SocksServer> {
  const requests: SocksRequest[] = [];
  const clients: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    clients.push(client.remoteAddress ?? '');
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    void handshake(client, requests, options.refuse ?? false, sockets);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    clients,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
