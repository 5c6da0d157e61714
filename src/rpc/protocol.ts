/**
 * rxzmq's own RPC wire protocol, version 1 (docs/PROTOCOL.md): every
 * message is two frames, a 4-byte header (`RXZ` and the version) and one
 * msgpack array of packets, so that several calls (or replies) travel in
 * one ZeroMQ message. Each packet is a msgpack array whose first element is
 * its kind.
 */
import type { Codec } from '../operators';
import { NO_KWARGS } from './kwargs';
import type { WireError } from './types';

/** `R`, `X`, `Z`, then the protocol version. */
export const HEADER = Buffer.from([0x52, 0x58, 0x5a, 0x01]);
/** The protocol version this code speaks. */
export const VERSION = 1;

/** Packet kinds. */
export enum Kind {
  /** client → server: `[0, id, method, args, kwargs | null, stream]` */
  Call = 0,
  /** client → server: `[1, id]`, the caller gave up or unsubscribed */
  Cancel = 1,
  /** server → client: `[2, id, value]` */
  Result = 2,
  /** server → client: `[3, id | null, name, message, args, stack | null]` */
  Error = 3,
  /** server → client: `[4, id, value]`, one value of a stream */
  Next = 4,
  /** server → client: `[5, id]`, the stream completed */
  Complete = 5,
  /** pipeline and pub-sub: `[6, method, args, kwargs | null]` */
  Notify = 6,
}

/** A decoded packet. */
export type Packet =
  | { kind: Kind.Call; id: number; method: string; args: unknown[]; kwargs: Readonly<Record<string, unknown>>; stream: boolean }
  | { kind: Kind.Cancel; id: number }
  | { kind: Kind.Result; id: number; value: unknown }
  | { kind: Kind.Error; id: number | null; error: WireError }
  | { kind: Kind.Next; id: number; value: unknown }
  | { kind: Kind.Complete; id: number }
  | { kind: Kind.Notify; method: string; args: unknown[]; kwargs: Readonly<Record<string, unknown>> };

/** A message that does not follow the protocol; `reason` says how. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** The packet as the msgpack array that goes on the wire. */
export function packetArray(packet: Packet): unknown[] {
  switch (packet.kind) {
    case Kind.Call:
      return [packet.kind, packet.id, packet.method, packet.args, emptyToNull(packet.kwargs), packet.stream];
    case Kind.Cancel:
    case Kind.Complete:
      return [packet.kind, packet.id];
    case Kind.Result:
    case Kind.Next:
      return [packet.kind, packet.id, packet.value];
    case Kind.Error: {
      const { name, message, args, stack } = packet.error;
      return [packet.kind, packet.id, name, message, args, stack ?? null];
    }
    case Kind.Notify:
      return [packet.kind, packet.method, packet.args, emptyToNull(packet.kwargs)];
  }
}

function emptyToNull(kwargs: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | null {
  for (const _ in kwargs) return kwargs;
  return null;
}

/** msgpack's array header for `count` elements. */
export function arrayHeader(count: number): Buffer {
  if (count < 16) return Buffer.of(0x90 | count);
  if (count < 0x10000) return Buffer.of(0xdc, count >> 8, count & 0xff);
  const header = Buffer.alloc(5);
  header[0] = 0xdd;
  header.writeUInt32BE(count, 1);
  return header;
}

/** Builds a message from packets each already encoded on its own (see {@link Batcher}). */
export function batchMessage(encodedPackets: readonly Buffer[]): Buffer[] {
  return [HEADER, Buffer.concat([arrayHeader(encodedPackets.length), ...encodedPackets])];
}

/** Checks the header frame; throws ProtocolError for another protocol or version. */
export function checkHeader(frame: Buffer | undefined): void {
  if (!frame || frame.length !== HEADER.length || frame.compare(HEADER, 0, 3, 0, 3) !== 0) {
    throw new ProtocolError('not an rxzmq RPC message (bad header frame)');
  }
  if (frame[3] !== VERSION) throw new ProtocolError(`unknown protocol version ${frame[3]} (this side speaks ${VERSION})`);
}

/**
 * Decodes the packets of a message body. A packet that cannot be read is
 * returned as a ProtocolError in its place (with the call id when one could
 * be read), so the good packets of a batch still run.
 */
export function decodePackets(body: Buffer, codec: Codec): (Packet | { error: ProtocolError; id: number | null })[] {
  let decoded: unknown;
  try {
    decoded = codec.decode(body);
  } catch (err) {
    throw new ProtocolError(`the body is not valid msgpack: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(decoded)) throw new ProtocolError('the body is not an array of packets');
  return decoded.map(readPacket);
}

const isId = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isKwargs = (x: unknown): x is Record<string, unknown> | null =>
  x === null || (typeof x === 'object' && !Array.isArray(x) && !(x instanceof Uint8Array));

function readPacket(raw: unknown): Packet | { error: ProtocolError; id: number | null } {
  if (!Array.isArray(raw)) return { error: new ProtocolError('a packet is not an array'), id: null };
  const [kind, id] = raw;
  const bad = (why: string) => ({ error: new ProtocolError(why), id: isId(id) ? id : null });
  switch (kind) {
    case Kind.Call: {
      const [, , method, args, kwargs, stream] = raw;
      if (!isId(id) || typeof method !== 'string' || !Array.isArray(args) || !isKwargs(kwargs)) {
        return bad('malformed call packet');
      }
      return { kind, id, method, args, kwargs: kwargs ?? NO_KWARGS, stream: stream === true };
    }
    case Kind.Cancel:
    case Kind.Complete:
      return isId(id) ? { kind, id } : bad('malformed packet');
    case Kind.Result:
    case Kind.Next:
      return isId(id) ? { kind, id, value: raw[2] } : bad('malformed packet');
    case Kind.Error: {
      const [, , name, message, args, stack] = raw;
      if ((id !== null && !isId(id)) || typeof name !== 'string' || typeof message !== 'string' || !Array.isArray(args)) {
        return bad('malformed error packet');
      }
      return { kind, id, error: { name, message, args, ...(typeof stack === 'string' ? { stack } : {}) } };
    }
    case Kind.Notify: {
      const [, method, args, kwargs] = raw;
      if (typeof method !== 'string' || !Array.isArray(args) || !isKwargs(kwargs)) return bad('malformed notify packet');
      return { kind, method, args, kwargs: kwargs ?? NO_KWARGS };
    }
    default:
      return bad(`unknown packet kind ${String(kind)}`);
  }
}
