/**
 * The wire framings shared by `requestReply` (client) and `replyWith`
 * (server): where the correlation id and the empty delimiter sit in a
 * multipart message, per framing and socket type. Internal: not exported
 * from any entry point.
 *
 * ```
 * rxzmq   DEALER sends  ['', id, ...body]     ROUTER reads [identity, '', id, ...body]
 *         REQ sends     [id, ...body]         (REQ adds the '' itself)
 *         REP reads     [id, ...body]         (REP keeps the envelope itself)
 * txzmq   DEALER sends  [id, '', ...body]     ROUTER reads [identity, id, '', ...body]
 * ```
 */
import type { Frame, Message, Sendable } from '../engine';
import { framesOf } from './frames';

/** The framings both operators speak. */
export type RequestFraming = 'rxzmq' | 'txzmq';

const FRAMINGS: ReadonlySet<unknown> = new Set<RequestFraming>(['rxzmq', 'txzmq']);

/** Correlation id sizes: rxzmq picks 8 bytes, txZMQ uses a 16-byte uuid. */
export const ID_LENGTH: Readonly<Record<RequestFraming, number>> = { rxzmq: 8, txzmq: 16 };

const EMPTY_FRAME = Buffer.alloc(0);

/** The framing named in a config, checked; throws `TypeError` on anything else. */
export function checkFraming(framing: unknown, operator: string): RequestFraming {
  if (framing === undefined) return 'rxzmq';
  if (!FRAMINGS.has(framing)) {
    throw new TypeError(`rxzmq: ${operator} framing must be 'rxzmq' or 'txzmq', got ${String(framing)}`);
  }
  return framing as RequestFraming;
}

/** A Sendable as Buffers (Buffers are kept, not copied). */
export function buffersOf(msg: Sendable): Buffer[] {
  return framesOf(msg).map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f)));
}

/** Client side: the frames a request goes out as. */
export function wrapRequest(framing: RequestFraming, type: 'dealer' | 'req', id: Buffer, body: readonly Frame[]): Frame[] {
  if (framing === 'txzmq') return [id, EMPTY_FRAME, ...body];
  return type === 'dealer' ? [EMPTY_FRAME, id, ...body] : [id, ...body];
}

/** Client side: a reply's id and payload, or undefined when it is malformed. */
export function unwrapReply(
  framing: RequestFraming,
  type: 'dealer' | 'req',
  msg: Message,
): { id: Buffer; payload: Buffer[] } | undefined {
  if (framing === 'txzmq') return msg.length >= 2 ? { id: msg[0]!, payload: msg.slice(2) } : undefined; // frame 1 unchecked, as txZMQ
  if (type === 'req') return msg.length >= 1 ? { id: msg[0]!, payload: msg.slice(1) } : undefined;
  return msg.length >= 2 && msg[0]!.length === 0 ? { id: msg[1]!, payload: msg.slice(2) } : undefined;
}

/** Server side: one request taken apart. */
export interface ParsedRequest {
  /** The correlation id. */
  id: Buffer;
  /** The routing frames: ROUTER rxzmq up to and including the delimiter; txzmq before the id; REP none. */
  envelope: Buffer[];
  /** The payload frames. */
  body: Buffer[];
  /** What goes before the reply's payload frames. */
  head: Buffer[];
}

/** Server side: a request taken apart, or the reason it is malformed. */
export function unwrapRequest(framing: RequestFraming, type: 'router' | 'rep', msg: Message): ParsedRequest | string {
  if (type === 'rep') {
    // REP has stripped the envelope already: what is left starts with the id.
    if (msg.length === 0) return 'no id frame';
    return { id: msg[0]!, envelope: [], body: msg.slice(1), head: [msg[0]!] };
  }
  const delimiter = msg.findIndex((frame) => frame.length === 0);
  if (delimiter < 0) return 'no empty delimiter frame';
  if (framing === 'txzmq') {
    if (delimiter === 0) return 'no id frame before the delimiter';
    const id = msg[delimiter - 1]!;
    const envelope = msg.slice(0, delimiter - 1);
    return { id, envelope, body: msg.slice(delimiter + 1), head: [...envelope, id, EMPTY_FRAME] };
  }
  if (delimiter === msg.length - 1) return 'no id frame after the delimiter';
  const envelope = msg.slice(0, delimiter + 1);
  const id = msg[delimiter + 1]!;
  return { id, envelope, body: msg.slice(delimiter + 2), head: [...envelope, id] };
}
