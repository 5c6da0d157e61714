/**
 * The contract between a ZMTP connection and a security mechanism (NULL,
 * PLAIN, CURVE; RFC 23 / 24 / 26): the connection hands the mechanism the
 * commands read during the handshake and gives it a {@link MechanismHost}
 * to write commands and to report the outcome.
 */
import { ZmtpProtocolError } from '../codec';
import type { ZapHandler } from './zap';

/** What the peer is, once the handshake is done. */
export interface HandshakeResult {
  /** Its metadata (READY or INITIATE), names lower-case. */
  metadata: Map<string, Buffer>;
  /** Server side with ZAP: the user id the handler gave. */
  userId?: string;
  /** Server side with ZAP: the metadata the handler gave. */
  zapMetadata?: Record<string, string | Buffer>;
  /** CURVE: the cipher every frame goes through from now on. */
  cipher?: MessageCipher;
}

/** Encrypts and decrypts frames after a handshake (CURVE's MESSAGE command). */
export interface MessageCipher {
  /** A message as the chunks to write. */
  encodeMessage(frames: readonly Buffer[]): Buffer[];
  /** A command frame (as `encodeCommand` gives it) as the chunks to write. */
  encodeCommand(chunks: readonly Buffer[]): Buffer[];
  /**
   * Opens one MESSAGE (`body` starting at its name, `\x07MESSAGE`; it may be
   * decrypted in place) and returns its flags (bit 0 MORE, bit 1 command)
   * and payload.
   *
   * @throws ZmtpProtocolError `'bad-nonce'` (replayed or out of order) or `'bad-box'` (forged, damaged, malformed)
   */
  open(body: Buffer): { flags: number; payload: Buffer };
}

/** What a mechanism may ask of its connection. */
export interface MechanismHost {
  /** Our metadata for READY / INITIATE (Socket-Type, Identity). */
  readonly metadata: Readonly<Record<string, string | Buffer>>;
  /** The peer's address for ZAP (IP address, or '' for ipc). */
  readonly address: string;
  /** True once the connection closed (a late ZAP answer is then dropped). */
  readonly closed: boolean;
  /** Queues a command frame. */
  send(chunks: readonly Buffer[]): void;
  /**
   * Checks the peer's metadata (its socket type against ours).
   *
   * @throws ZmtpProtocolError `'incompatible'`
   */
  check(metadata: Map<string, Buffer>): void;
  /** The handshake is done. */
  done(result: HandshakeResult): void;
  /** The handshake failed (used from asynchronous paths, such as a ZAP refusal). */
  fail(error: Error): void;
}

/** One side of a security handshake. */
export interface Mechanism {
  /** The peer's greeting was read: speak first if this side does. */
  start(): void;
  /**
   * A command read during the handshake (ERROR aside, which the connection handles).
   *
   * @throws ZmtpProtocolError for a command out of turn or malformed
   */
  command(name: string, data: Buffer): void;
}

/** The settings of a server mechanism that asks ZAP. */
export interface ZapSettings {
  /** The in-process handler; none lets everyone in (libzmq without a ZAP handler). */
  authenticate?: ZapHandler;
  /** ZAP domain ('' when unset). */
  domain: string;
  /** ZMQ_ZAP_ENFORCE_DOMAIN: with a domain and no handler, every client is refused (see {@link zapUnavailable}). */
  enforceDomain?: boolean;
  /** Our routing id, sent as ZAP's identity. */
  identity: Buffer;
}

/**
 * A refusal by the authentication step: the server's ZAP handler said no,
 * or (client side) the server answered the handshake with ERROR. `statusCode`
 * is RFC 27's (400 refused, 300 try later, 500 handler failure) and is what
 * the ERROR command carries to the client, as libzmq sends it.
 */
export class ZmtpAuthError extends ZmtpProtocolError {
  constructor(
    readonly statusCode: string,
    message: string,
  ) {
    super('auth', message);
  }
}

/** A handshake command that is not the one expected now. */
export function unexpected(name: string, expected: string): ZmtpProtocolError {
  return new ZmtpProtocolError('bad-command', `expected ${expected}, got ${name}`);
}

/**
 * True when ZAP is required and nobody answers it: `zapEnforceDomain` with a
 * domain and no handler. libzmq (4.3.5, measured) then fails the handshake
 * without an ERROR command (its client sees the connection drop and dials
 * again) where it would otherwise let the client in.
 */
export const zapMissing = (zap: ZapSettings): boolean => !zap.authenticate && zap.enforceDomain === true && zap.domain !== '';

/** The error that ends such a handshake; the connection closes without telling the peer why. */
export const zapUnavailable = (domain: string): ZmtpProtocolError =>
  new ZmtpProtocolError(ZAP_UNAVAILABLE, `ZAP domain '${domain}' is enforced and no handler answers it (zapEnforceDomain)`);

/** The reason of {@link zapUnavailable}. */
export const ZAP_UNAVAILABLE = 'zap-unavailable';
