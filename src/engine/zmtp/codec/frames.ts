/** Flags bit 0: more frames of this message follow. */
export const FLAG_MORE = 1;
/** Flags bit 1: the size is 8 bytes (network order), not 1. */
export const FLAG_LONG = 2;
/** Flags bit 2: a command frame, not a message frame. */
export const FLAG_COMMAND = 4;

/** The largest body a short frame (1-byte size) carries. */
const MAX_SHORT = 255;
const TWO_32 = 2 ** 32;
/** Command names: 1 to 255 letters (command-name-char = ALPHA, RFC 37). */
const COMMAND_NAME = /^[A-Za-z]{1,255}$/;

/** The header's length for a body of `size` bytes: flags and a 1- or 8-byte size. */
export function headerLength(size: number): number {
  return size > MAX_SHORT ? 9 : 2;
}

/** Writes a frame header at `offset` of `target` (flags, 1- or 8-byte size); returns the offset after it. */
export function writeHeader(target: Buffer, offset: number, size: number, flags: number): number {
  if (size <= MAX_SHORT) {
    target[offset] = flags;
    target[offset + 1] = size;
    return offset + 2;
  }
  target[offset] = flags | FLAG_LONG;
  target.writeUInt32BE(Math.floor(size / TWO_32), offset + 1);
  target.writeUInt32BE(size % TWO_32, offset + 5);
  return offset + 9;
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`invalid ZMTP frame size: ${size}`);
}

/**
 * The header of one frame: flags, then the size in one byte (0-255) or,
 * with {@link FLAG_LONG}, in eight bytes in network order.
 *
 * ```
 * short: | flags | size |            long: | flags|2 | size (8 bytes, BE) |
 * ```
 *
 * @param size the body's length in bytes
 * @param more more frames of this message follow (never on a command)
 * @param command a command frame
 * @throws TypeError for a negative or non-integer size, or `more` on a command
 */
export function frameHeader(size: number, more: boolean, command: boolean): Buffer {
  checkSize(size);
  if (more && command) throw new TypeError('a ZMTP command frame cannot have the MORE flag');
  const header = Buffer.allocUnsafe(headerLength(size));
  writeHeader(header, 0, size, (more ? FLAG_MORE : 0) | (command ? FLAG_COMMAND : 0));
  return header;
}

/**
 * One multipart message as the chunks to write: a header before each body,
 * MORE on all frames but the last. The bodies are the given Buffers
 * themselves (not copied) and empty bodies are left out, so the result goes
 * straight to `socket.cork()` + `write()` or to a `writev`. All headers share
 * one allocation.
 *
 * @throws TypeError for a message without frames
 */
export function encodeMessage(frames: readonly Buffer[]): Buffer[] {
  const count = frames.length;
  if (count === 0) throw new TypeError('a ZMTP message has at least one frame');
  let headerBytes = 0;
  for (let i = 0; i < count; i++) headerBytes += headerLength(frames[i].length);
  const headers = Buffer.allocUnsafe(headerBytes);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const body = frames[i];
    const end = writeHeader(headers, offset, body.length, i < count - 1 ? FLAG_MORE : 0);
    chunks.push(headers.subarray(offset, end));
    if (body.length > 0) chunks.push(body);
    offset = end;
  }
  return chunks;
}

/**
 * One command frame: header, the name's length (one byte), the name, then
 * `data` (not copied; left out when empty).
 *
 * ```
 * | %x04 size | name-length | name ... | data ... |
 * ```
 *
 * @param name 1 to 255 ASCII letters (`'READY'`, `'PING'`, ...)
 * @throws TypeError for a name the grammar does not allow
 */
export function encodeCommand(name: string, data: Buffer = Buffer.alloc(0)): Buffer[] {
  if (!COMMAND_NAME.test(name)) throw new TypeError(`invalid ZMTP command name: ${JSON.stringify(name)}`);
  const size = 1 + name.length + data.length;
  const prefix = Buffer.allocUnsafe(headerLength(size) + 1 + name.length);
  let offset = writeHeader(prefix, 0, size, FLAG_COMMAND);
  prefix[offset++] = name.length;
  prefix.write(name, offset, 'latin1');
  return data.length > 0 ? [prefix, data] : [prefix];
}
