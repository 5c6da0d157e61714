import { encodeCommand, ZmtpProtocolError } from '../codec';

/** The most bytes a PLAIN user name or password has (a one-byte length). */
export const MAX_CREDENTIAL = 255;

/**
 * PLAIN's HELLO: the user name and the password, each a length byte and
 * its UTF-8 bytes.
 *
 * @throws TypeError when either is over 255 bytes
 */
export function encodeHello(username: string, password: string): Buffer[] {
  const user = Buffer.from(username, 'utf8');
  const pass = Buffer.from(password, 'utf8');
  if (user.length > MAX_CREDENTIAL || pass.length > MAX_CREDENTIAL) {
    throw new TypeError(`PLAIN user names and passwords are at most ${MAX_CREDENTIAL} bytes`);
  }
  return encodeCommand('HELLO', Buffer.concat([Buffer.of(user.length), user, Buffer.of(pass.length), pass]));
}

/**
 * The user name and password of a HELLO; nothing may follow them.
 *
 * @throws ZmtpProtocolError `'bad-command'` when malformed
 */
export function parseHello(data: Buffer): { username: string; password: string } {
  const userEnd = 1 + (data[0] ?? 0);
  const passEnd = userEnd + 1 + (data[userEnd] ?? 0);
  if (data.length < 2 || userEnd >= data.length || passEnd !== data.length) {
    throw new ZmtpProtocolError('bad-command', 'a malformed PLAIN HELLO');
  }
  return { username: data.toString('utf8', 1, userEnd), password: data.toString('utf8', userEnd + 1, passEnd) };
}
