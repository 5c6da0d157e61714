import { ZmtpProtocolError } from '../codec';
import type { MessageCipher } from './mechanism';

const MORE = 1;
const COMMAND = 2;
const COMMAND_NAME = /^[A-Za-z]+$/;

/**
 * Reads frames that travel sealed (CURVE's MESSAGE): opens each, joins
 * frames into multipart messages by their inner MORE flag, and tells
 * commands (inner command flag) apart. It keeps the limits the frame parser
 * keeps for plain frames: `maxMessageSize` over a whole message, no command
 * inside a multipart message, well-formed command names.
 */
export class SealedReader {
  private frames: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly cipher: MessageCipher,
    private readonly maxMessageSize: number,
    private readonly onMessage: (frames: Buffer[]) => void,
    private readonly onCommand: (name: string, data: Buffer) => void,
  ) {}

  /**
   * One sealed frame, `body` starting at `\x07MESSAGE`.
   *
   * @throws ZmtpProtocolError when it does not open, is out of order, or breaks the limits above
   */
  read(body: Buffer): void {
    const { flags, payload } = this.cipher.open(body);
    if (flags & COMMAND) {
      if (this.frames.length > 0) throw new ZmtpProtocolError('bad-command', 'a ZMTP command inside a multipart message');
      const nameLength = payload[0] ?? 0;
      const name = payload.toString('latin1', 1, 1 + nameLength);
      if (nameLength === 0 || 1 + nameLength > payload.length || !COMMAND_NAME.test(name)) {
        throw new ZmtpProtocolError('bad-command', 'a malformed ZMTP command name inside a CURVE MESSAGE');
      }
      this.onCommand(name, payload.subarray(1 + nameLength));
      return;
    }
    this.bytes += payload.length;
    if (this.maxMessageSize >= 0 && this.bytes > this.maxMessageSize) {
      throw new ZmtpProtocolError('frame-too-large', `a ZMTP message exceeds maxMessageSize ${this.maxMessageSize}`);
    }
    this.frames.push(payload);
    if (flags & MORE) return;
    const frames = this.frames;
    this.frames = [];
    this.bytes = 0;
    this.onMessage(frames);
  }
}
