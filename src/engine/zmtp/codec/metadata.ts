import { ZmtpProtocolError } from './errors';

/** name-char, RFC 37: ALPHA | DIGIT | "-" | "_" | "." | "+"; 1 to 255 of them. */
const PROPERTY_NAME = /^[A-Za-z0-9\-_.+]{1,255}$/;
/** A value's size is 4 bytes, at most 2^31 - 1. */
const MAX_VALUE = 0x7fffffff;

/**
 * Metadata properties (READY, and the handshakes of PLAIN and CURVE) as
 * bytes: for each, the name's length (1 byte), the name, the value's length
 * (4 bytes, network order), the value. Strings are written as UTF-8; the
 * order is the object's.
 *
 * ```
 * | 11 | Socket-Type | 0 0 0 6 | DEALER | 8 | Identity | 0 0 0 0 |
 * ```
 *
 * @throws TypeError for a name the grammar does not allow or a value over 2^31 - 1 bytes
 */
export function encodeMetadata(properties: Readonly<Record<string, string | Buffer>>): Buffer {
  const entries: [string, Buffer][] = [];
  let size = 0;
  for (const [name, value] of Object.entries(properties)) {
    if (!PROPERTY_NAME.test(name)) throw new TypeError(`invalid ZMTP property name: ${JSON.stringify(name)}`);
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (bytes.length > MAX_VALUE) throw new TypeError(`ZMTP property ${name} is too long: ${bytes.length} bytes`);
    entries.push([name, bytes]);
    size += 1 + name.length + 4 + bytes.length;
  }
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const [name, value] of entries) {
    out[offset++] = name.length;
    offset += out.write(name, offset, 'latin1');
    offset = out.writeUInt32BE(value.length, offset);
    offset += value.copy(out, offset);
  }
  return out;
}

/**
 * Reads metadata properties. Names are case-insensitive (RFC 37), so the
 * keys are lower-case (`'socket-type'`); the values are slices of `data`.
 * When a name repeats, the first value counts, as in libzmq.
 *
 * @throws ZmtpProtocolError `'bad-metadata'` on truncation, an empty or malformed name, or a value size over 2^31 - 1
 */
export function parseMetadata(data: Buffer): Map<string, Buffer> {
  const properties = new Map<string, Buffer>();
  let offset = 0;
  while (offset < data.length) {
    const nameLength = data[offset++];
    if (nameLength === 0) throw badMetadata('an empty property name', offset - 1);
    if (offset + nameLength + 4 > data.length) throw badMetadata('a truncated property', offset - 1);
    const name = data.toString('latin1', offset, offset + nameLength);
    if (!PROPERTY_NAME.test(name)) throw badMetadata('a malformed property name', offset - 1);
    offset += nameLength;
    const valueLength = data.readUInt32BE(offset);
    offset += 4;
    if (valueLength > MAX_VALUE) throw badMetadata(`a property value size of ${valueLength}`, offset - 4);
    if (offset + valueLength > data.length) throw badMetadata(`a truncated value of ${name}`, offset - 4);
    const key = name.toLowerCase();
    if (!properties.has(key)) properties.set(key, data.subarray(offset, offset + valueLength));
    offset += valueLength;
  }
  return properties;
}

function badMetadata(what: string, offset: number): ZmtpProtocolError {
  return new ZmtpProtocolError('bad-metadata', `ZMTP metadata: ${what} at byte ${offset}`);
}
