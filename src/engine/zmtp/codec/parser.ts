import { constants } from 'node:buffer';
import { ZmtpProtocolError } from './errors';
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE } from './frames';

/** Options and callbacks of a {@link FrameParser}. */
export interface FrameParserOptions {
  /**
   * The largest message accepted, in bytes, counting all frames of a
   * multipart message (bodies only); a command alone counts against it too,
   * as in libzmq. `-1` or undefined: no limit.
   */
  maxMessageSize?: number;
  /**
   * A complete message. Frames that arrived within one chunk are slices of
   * it (they share its memory); a frame that spanned chunks is a fresh copy.
   */
  onMessage(frames: Buffer[]): void;
  /** A command frame: its name (`'READY'`, `'PING'`, ...) and the rest of its body (a slice). */
  onCommand(name: string, data: Buffer): void;
}

const TWO_32 = 2 ** 32;
const LONG_HEADER = 9;
const SHORT_HEADER = 2;

/**
 * Reads ZMTP 3.x frames (what follows the greeting) from a byte stream
 * pushed in chunks of any size, and hands out whole messages and commands.
 * It knows nothing of sockets.
 *
 * - Zero copy where it can: a frame that lies within one chunk is a
 *   `subarray` of it; only a frame that spans chunks is copied, once, when
 *   its last byte arrives. Chunks must therefore not be modified after they
 *   are pushed (Node's sockets never reuse them).
 * - Bounded: a declared size is checked against `maxMessageSize` as soon as
 *   the header is read, before any of the body is buffered, and nothing is
 *   allocated for a declared size before its bytes arrive. It holds at most
 *   the frames of the message in progress, one partial header and the
 *   current frame ({@link buffered} counts them).
 * - Strict: a command with MORE set, a command inside a multipart message,
 *   or a command without a well-formed name is an error. Reserved flag bits
 *   are ignored, as libzmq does.
 *
 * Every error is a {@link ZmtpProtocolError}, thrown by {@link push}; the
 * parser is then done and throws it again on any later push. An exception
 * thrown by a callback ends it the same way (bytes after it are lost).
 */
export class FrameParser {
  private readonly maxMessageSize: number;
  private readonly onMessage: (frames: Buffer[]) => void;
  private readonly onCommand: (name: string, data: Buffer) => void;

  /** A header split across chunks, and how many of its bytes are here. */
  private readonly header = Buffer.allocUnsafe(LONG_HEADER);
  private headerLength = 0;
  /**
   * A body split across chunks: its declared size (-1 when there is none),
   * its flags, and the slices of it received so far.
   */
  private bodySize = -1;
  private bodyFlags = 0;
  private bodyParts: Buffer[] = [];
  private bodyLength = 0;
  /** The complete frames of the message in progress, and their size. */
  private frames: Buffer[] = [];
  private framesBytes = 0;
  private failure: { error: unknown } | undefined;

  constructor(options: FrameParserOptions) {
    const { maxMessageSize = -1 } = options;
    if (!Number.isSafeInteger(maxMessageSize) || maxMessageSize < -1) {
      throw new TypeError(`maxMessageSize must be -1 or a non-negative integer, got ${maxMessageSize}`);
    }
    this.maxMessageSize = maxMessageSize;
    this.onMessage = options.onMessage;
    this.onCommand = options.onCommand;
  }

  /** The bytes held now: frames of an incomplete message, a partial header and a partial body. */
  get buffered(): number {
    return this.framesBytes + this.headerLength + this.bodyLength;
  }

  /**
   * Feeds the next bytes of the stream; calls back for every message and
   * command they complete, in order, before returning.
   *
   * @throws ZmtpProtocolError on a protocol violation, and on every call after one
   */
  push(chunk: Buffer): void {
    if (this.failure) throw this.failure.error;
    try {
      this.consume(chunk);
    } catch (error) {
      this.failure = { error };
      this.bodySize = -1;
      this.bodyParts = [];
      this.bodyLength = 0;
      this.headerLength = 0;
      this.frames = [];
      this.framesBytes = 0;
      throw error;
    }
  }

  private consume(chunk: Buffer): void {
    const end = chunk.length;
    let pos = 0;
    if (this.bodySize >= 0) {
      pos = this.fillBody(chunk);
      if (pos < 0) return;
    }
    if (this.headerLength > 0) {
      pos = this.fillHeader(chunk, pos);
      if (pos < 0) return;
    }
    while (pos < end) {
      const flags = chunk[pos];
      const headerSize = flags & FLAG_LONG ? LONG_HEADER : SHORT_HEADER;
      if (end - pos < headerSize) {
        chunk.copy(this.header, 0, pos, end);
        this.headerLength = end - pos;
        return;
      }
      const size = flags & FLAG_LONG ? longSize(chunk, pos + 1) : chunk[pos + 1];
      pos = this.frame(chunk, pos + headerSize, flags, size);
    }
  }

  /** Continues a body split across chunks; returns where the chunk's rest starts, or -1 if it is used up. */
  private fillBody(chunk: Buffer): number {
    const size = this.bodySize;
    const n = Math.min(size - this.bodyLength, chunk.length);
    if (n > 0) this.bodyParts.push(chunk.subarray(0, n));
    this.bodyLength += n;
    if (this.bodyLength < size) return -1;
    const parts = this.bodyParts;
    // One part: the header ended a chunk and the body lies within the next one.
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    this.bodySize = -1;
    this.bodyParts = [];
    this.bodyLength = 0;
    this.deliver(this.bodyFlags, body);
    return n;
  }

  /** Completes a header split across chunks and reads its frame; returns where the chunk's rest starts, or -1 if it is used up. */
  private fillHeader(chunk: Buffer, pos: number): number {
    const header = this.header;
    const flags = header[0];
    const headerSize = flags & FLAG_LONG ? LONG_HEADER : SHORT_HEADER;
    const n = Math.min(headerSize - this.headerLength, chunk.length - pos);
    chunk.copy(header, this.headerLength, pos, pos + n);
    this.headerLength += n;
    if (this.headerLength < headerSize) return -1;
    this.headerLength = 0;
    const size = flags & FLAG_LONG ? longSize(header, 1) : header[1];
    return this.frame(chunk, pos + n, flags, size);
  }

  /** A header was read: checks it, then delivers the frame or starts buffering its body. Returns the position after it. */
  private frame(chunk: Buffer, pos: number, flags: number, size: number): number {
    this.check(flags, size);
    const end = chunk.length;
    if (end - pos >= size) {
      this.deliver(flags, chunk.subarray(pos, pos + size));
      return pos + size;
    }
    // The body spans chunks: keep slices of them (memory grows with what
    // arrives, not with what is declared) and copy once when it is complete.
    this.bodySize = size;
    this.bodyFlags = flags;
    if (end > pos) this.bodyParts.push(chunk.subarray(pos, end));
    this.bodyLength = end - pos;
    return end;
  }

  /** Refuses a frame on its header alone, before any of its body is held. */
  private check(flags: number, size: number): void {
    const max = this.maxMessageSize;
    if (size > constants.MAX_LENGTH) {
      throw new ZmtpProtocolError('frame-too-large', `a ZMTP frame declares ${size} bytes, more than a Buffer holds`);
    }
    if (flags & FLAG_COMMAND) {
      if (flags & FLAG_MORE) throw new ZmtpProtocolError('bad-command', 'a ZMTP command frame has the MORE flag set');
      if (this.frames.length > 0) throw new ZmtpProtocolError('bad-command', 'a ZMTP command inside a multipart message');
      if (size === 0) throw new ZmtpProtocolError('bad-command', 'an empty ZMTP command frame');
      if (max >= 0 && size > max) {
        throw new ZmtpProtocolError('frame-too-large', `a ZMTP command of ${size} bytes exceeds maxMessageSize ${max}`);
      }
    } else if (max >= 0 && this.framesBytes + size > max) {
      throw new ZmtpProtocolError(
        'frame-too-large',
        `a ZMTP message of at least ${this.framesBytes + size} bytes exceeds maxMessageSize ${max}`,
      );
    }
  }

  private deliver(flags: number, body: Buffer): void {
    if (flags & FLAG_COMMAND) {
      const nameLength = body[0];
      if (isLibzmqPlainError(body)) {
        this.onCommand('ERROR', body.subarray(LIBZMQ_PLAIN_ERROR.length));
        return;
      }
      if (nameLength === 0 || nameLength >= body.length || !letters(body, 1, 1 + nameLength)) {
        throw new ZmtpProtocolError('bad-command', `a malformed ZMTP command name: ${body.subarray(0, 16).toString('hex')}`);
      }
      this.onCommand(body.toString('latin1', 1, 1 + nameLength), body.subarray(1 + nameLength));
      return;
    }
    this.frames.push(body);
    if (flags & FLAG_MORE) {
      this.framesBytes += body.length;
      return;
    }
    const frames = this.frames;
    this.frames = [];
    this.framesBytes = 0;
    this.onMessage(frames);
  }
}

/**
 * libzmq 4.3's PLAIN server writes its ERROR command's name as `^RROR`
 * (its C literal `"\x05ERROR"` reads `\x05E` as one byte, 0x5E), and its
 * PLAIN client expects exactly that; measured with libzmq 4.3.5. Read as
 * ERROR, so a refusal by a libzmq PLAIN server is an auth failure here too.
 */
const LIBZMQ_PLAIN_ERROR = Buffer.from('^RROR', 'latin1');

function isLibzmqPlainError(body: Buffer): boolean {
  return body.length > LIBZMQ_PLAIN_ERROR.length && body[0] === 0x5e && body.subarray(0, LIBZMQ_PLAIN_ERROR.length).equals(LIBZMQ_PLAIN_ERROR);
}

/** The 8-byte size at `offset`; anything past 2^53 comes out inexact but still too large. */
function longSize(buf: Buffer, offset: number): number {
  return buf.readUInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4);
}

/** Whether bytes [start, end) are all ASCII letters (command-name-char = ALPHA). */
function letters(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i] | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}
