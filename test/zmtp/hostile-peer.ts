/**
 * Raw TCP peers for the socket-level fuzzing of the zmtp engine: they write
 * chosen bytes to a bound zmtp socket and report whether and how their
 * connection ended; plus a watch on the process for unhandled rejections and
 * uncaught exceptions.
 */
import { connect, type Socket } from 'node:net';
import { runInThisContext } from 'node:vm';
import { encodeGreeting, encodeReady } from '../../src/engine/zmtp/codec';

/** A NULL greeting and a READY announcing `socketType`: a peer's valid handshake. */
export function handshake(socketType = 'PUSH'): Buffer {
  return Buffer.concat([encodeGreeting({ mechanism: 'NULL', asServer: false }), ...encodeReady({ 'Socket-Type': socketType })]);
}

/** `buf` cut at the given offsets (taken modulo its length): the non-empty pieces, in order. */
export function cut(buf: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (buf.length + 1)))].sort((a, b) => a - b);
  return [0, ...points, buf.length]
    .slice(1)
    .map((end, i, ends) => buf.subarray(i === 0 ? 0 : ends[i - 1], end))
    .filter((piece) => piece.length > 0);
}

/** The port of a `tcp://host:port` endpoint. */
export const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));

/** How a hostile connection went. */
export interface HostileResult {
  /** The connection closed (or the zmtp side ended it) before this side ended it: the zmtp side refused it. */
  refused: boolean;
  /** Bytes the zmtp side wrote to it (its greeting, READY, maybe an ERROR). */
  received: Buffer;
}

/** Options of {@link hostile}. */
export interface HostileOptions {
  /** Ms the connection may stay open after the last write (or the end). Default 5000. */
  ms?: number;
  /** Runs after each chunk has been written (to measure memory, say). */
  afterWrite?: () => void;
}

/**
 * Connects to `port`, writes `chunks` one by one (each in its own write),
 * then ends its side when `end` is set, and resolves once the connection
 * has closed. Rejects when it has not closed within `ms` (the socket is then
 * destroyed), so a zmtp side that keeps a bad connection open fails the test.
 */
export async function hostile(
  port: number,
  chunks: readonly Buffer[],
  end: boolean,
  { ms = 5000, afterWrite }: HostileOptions = {},
): Promise<HostileResult> {
  const socket: Socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  let ended = false;
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined); // EPIPE / ECONNRESET once the zmtp side has closed
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for (const chunk of chunks) {
    if (socket.destroyed || socket.writableEnded) break;
    await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
    afterWrite?.();
  }
  if (end && !socket.destroyed && !socket.writableEnded) {
    ended = true;
    socket.end();
  }
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    closed.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  if (!inTime) {
    socket.destroy();
    throw new Error(`the zmtp side kept a hostile connection open for ${ms} ms`);
  }
  return { refused: !ended, received: Buffer.concat(received) };
}

/**
 * Collects unhandled rejections and uncaught exceptions while installed.
 * It listens on Node's own `process`: the one Jest gives a test file is a
 * copy whose listeners never hear these events.
 */
export class FaultWatch {
  readonly faults: unknown[] = [];
  private readonly process = runInThisContext('process') as NodeJS.Process;
  private readonly record = (fault: unknown): void => {
    this.faults.push(fault);
  };

  install(): void {
    this.process.on('unhandledRejection', this.record);
    this.process.on('uncaughtException', this.record);
  }

  uninstall(): void {
    this.process.off('unhandledRejection', this.record);
    this.process.off('uncaughtException', this.record);
  }
}
