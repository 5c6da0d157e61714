/**
 * A peer broke ZMTP (RFC 23 / RFC 37): a bad greeting, an oversized or
 * malformed frame, a malformed command or metadata. The connection that read
 * it cannot go on and should be closed.
 *
 * `reason` is short and machine-readable; the codec uses:
 *
 * - `'bad-signature'`: the first ten bytes are not `%xFF padding %x7F`
 *   (not a ZMTP 2.0+ peer, or not ZeroMQ at all).
 * - `'bad-version'`: a ZMTP major version below 3.
 * - `'bad-mechanism'`: the greeting's mechanism field breaks the grammar.
 * - `'unknown-mechanism'`: a well-formed mechanism other than NULL, PLAIN
 *   and CURVE.
 * - `'frame-too-large'`: a declared size beyond `maxMessageSize` (or beyond
 *   what a Buffer can hold).
 * - `'bad-command'`: a command frame with MORE set, inside a multipart
 *   message, without a well-formed name, or with a malformed body.
 * - `'bad-metadata'`: truncated or malformed metadata properties.
 *
 * Layers above may use their own reasons (for example an incompatible
 * socket type).
 */
export class ZmtpProtocolError extends Error {
  override readonly name = 'ZmtpProtocolError';

  /**
   * @param reason short machine-readable reason, such as `'bad-command'`
   * @param message what happened, for people; defaults to `reason`
   * @param options the `cause`, if any
   */
  constructor(
    readonly reason: string,
    message: string = reason,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
