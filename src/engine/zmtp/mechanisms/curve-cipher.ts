import { FLAG_LONG, headerLength, writeHeader, ZmtpProtocolError } from '../codec';
import { PrefixedBox } from './curve-crypto';
import { readShortNonce, writeShortNonce } from './curve-nonce';
import type { MessageCipher } from './mechanism';

/** `\x07MESSAGE`: the name-length byte and the name. */
const NAME = Buffer.from('\x07MESSAGE', 'latin1');
/** Name, short nonce, then the box: the 32 bytes before the plaintext's flags byte are the box's scratch. */
const HEAD = 32;
/** Flags inside the box: more frames follow; the payload is a command. */
const MORE = 1;
const COMMAND = 2;

/**
 * CurveZMQ's MESSAGE (RFC 26): once the CURVE handshake is done, every
 * frame travels as one, `\x07MESSAGE`, an 8-byte short nonce and a box of
 * a flags byte (MORE, command) and the frame. Each direction counts its own
 * nonces up from where the handshake left them; a nonce not above the last
 * one accepted is a replay. Frames are written as plain (not command)
 * frames, as libzmq writes them; either kind is read.
 *
 * Per message: one buffer holding every frame's header and box, sealed in
 * place with the keys derived once per connection (see {@link PrefixedBox}).
 * Incoming boxes are opened in place, inside the received bytes.
 */
export class CurveCipher implements MessageCipher {
  private readonly sealer: PrefixedBox;
  private readonly opener: PrefixedBox;
  private readonly short = new Uint8Array(8);

  /**
   * @param key the connection's crypto_box key (beforenm of the peers' short-term keys)
   * @param sendPrefix `'CurveZMQMESSAGEC'` on the client, `'CurveZMQMESSAGES'` on the server
   * @param receivePrefix the other one
   * @param nextNonce our next short nonce
   * @param peerNonce the last short nonce the peer used in the handshake
   */
  constructor(
    key: Uint8Array,
    sendPrefix: string,
    receivePrefix: string,
    private nextNonce: number,
    private peerNonce: number,
  ) {
    this.sealer = new PrefixedBox(key, sendPrefix);
    this.opener = new PrefixedBox(key, receivePrefix);
  }

  encodeMessage(frames: readonly Buffer[]): Buffer[] {
    let total = 0;
    for (const frame of frames) total += frameSize(frame.length);
    const out = Buffer.allocUnsafe(total);
    let offset = 0;
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) offset = this.seal(out, offset, i < last ? MORE : 0, frames[i], undefined);
    return [out];
  }

  encodeCommand(chunks: readonly Buffer[]): Buffer[] {
    // Strip the command frame's own header: the box carries the command body.
    const first = chunks[0];
    const body = first.subarray(first[0] & FLAG_LONG ? 9 : 2);
    const rest = chunks.length > 1 ? chunks[1] : undefined;
    const out = Buffer.allocUnsafe(frameSize(body.length + (rest?.length ?? 0)));
    this.seal(out, 0, COMMAND, body, rest);
    return [out];
  }

  /** Writes one MESSAGE frame of `a` then `b` at `offset`; returns the offset after it. */
  private seal(out: Buffer, offset: number, flags: number, a: Buffer, b: Buffer | undefined): number {
    const payload = a.length + (b?.length ?? 0);
    const size = HEAD + 1 + payload;
    const start = writeHeader(out, offset, size, 0);
    const region = out.subarray(start, start + size);
    region[HEAD] = flags;
    a.copy(region, HEAD + 1);
    if (b) b.copy(region, HEAD + 1 + a.length);
    const n = this.nextNonce++;
    writeShortNonce(this.short, 0, n);
    this.sealer.sealInPlace(this.short, region);
    NAME.copy(region, 0);
    region.set(this.short, 8);
    return start + size;
  }

  open(body: Buffer): { flags: number; payload: Buffer } {
    if (body.length < HEAD + 1 || !body.subarray(0, 8).equals(NAME)) {
      throw new ZmtpProtocolError('bad-box', 'a malformed CURVE MESSAGE');
    }
    const n = readShortNonce(body, 8);
    if (n <= this.peerNonce) throw new ZmtpProtocolError('bad-nonce', `a CURVE nonce out of order (${n} after ${this.peerNonce})`);
    this.short.set(body.subarray(8, 16));
    if (!this.opener.openInPlace(this.short, body)) throw new ZmtpProtocolError('bad-box', 'a CURVE MESSAGE does not open');
    this.peerNonce = n;
    return { flags: body[HEAD], payload: body.subarray(HEAD + 1) };
  }
}

/** The bytes of one MESSAGE frame carrying `payload` bytes: header, name, nonce, tag, flags, payload. */
function frameSize(payload: number): number {
  const size = HEAD + 1 + payload;
  return headerLength(size) + size;
}
