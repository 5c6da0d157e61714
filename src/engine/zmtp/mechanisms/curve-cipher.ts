// From the defining files, not ../codec: CommonJS output reads a re-export through a getter at every use.
import { FLAG_LONG, headerLength, writeHeader } from '../codec/frames';
import { ZmtpProtocolError } from '../codec/errors';
import { nonce } from './curve-crypto';
import { openFrom, sealInto } from './sodium-scratch';
import { readShortNonce, writeShortNonce } from './curve-nonce';
import type { MessageCipher } from './mechanism';

/** `\x07MESSAGE`: the name-length byte and the name. */
const NAME = Buffer.from('\x07MESSAGE', 'latin1');
/** Name (8 bytes), short nonce (8), then the box: its tag (16), the flags byte and the frame. */
const HEAD = 32;
/** Where the box starts in a MESSAGE. */
const BOX = 16;
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
 * Per message: one buffer holding every frame's header and box, each box
 * sealed by libsodium under the connection's one beforenm key, with a
 * nonce buffer per direction whose last 8 bytes are rewritten per frame.
 */
export class CurveCipher implements MessageCipher {
  /** The 24-byte nonces: the direction's prefix, then the short nonce of the frame at hand. */
  private readonly sendNonce: Uint8Array;
  private readonly receiveNonce: Uint8Array;

  /**
   * @param key the connection's crypto_box key (beforenm of the peers' short-term keys)
   * @param sendPrefix `'CurveZMQMESSAGEC'` on the client, `'CurveZMQMESSAGES'` on the server
   * @param receivePrefix the other one
   * @param nextNonce our next short nonce
   * @param peerNonce the last short nonce the peer used in the handshake
   */
  constructor(
    private readonly key: Uint8Array,
    sendPrefix: string,
    receivePrefix: string,
    private nextNonce: number,
    private peerNonce: number,
  ) {
    this.sendNonce = nonce(sendPrefix, new Uint8Array(8));
    this.receiveNonce = nonce(receivePrefix, new Uint8Array(8));
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
    writeShortNonce(this.sendNonce, 16, this.nextNonce++);
    sealInto(this.key, this.sendNonce, region.subarray(HEAD), region, BOX);
    NAME.copy(region, 0);
    region.set(this.sendNonce.subarray(16), 8);
    return start + size;
  }

  open(body: Buffer): { flags: number; payload: Buffer } {
    if (body.length < HEAD + 1 || !body.subarray(0, 8).equals(NAME)) {
      throw new ZmtpProtocolError('bad-box', 'a malformed CURVE MESSAGE');
    }
    const n = readShortNonce(body, 8);
    if (n <= this.peerNonce) throw new ZmtpProtocolError('bad-nonce', `a CURVE nonce out of order (${n} after ${this.peerNonce})`);
    this.receiveNonce.set(body.subarray(8, 16), 16);
    const plain = openFrom(this.key, this.receiveNonce, body.subarray(BOX));
    if (!plain) throw new ZmtpProtocolError('bad-box', 'a CURVE MESSAGE does not open');
    this.peerNonce = n;
    return { flags: plain[0], payload: plain.subarray(1) };
  }
}

/** The bytes of one MESSAGE frame carrying `payload` bytes: header, name, nonce, tag, flags, payload. */
function frameSize(payload: number): number {
  const size = HEAD + 1 + payload;
  return headerLength(size) + size;
}
