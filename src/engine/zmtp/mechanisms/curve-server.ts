import { timingSafeEqual } from 'node:crypto';
import { encodeCommand, encodeMetadata, parseMetadata, ZmtpProtocolError } from '../codec';
import { CurveCipher } from './curve-cipher';
import { beforenm, nonce, open, random, rawKeyPair, seal, secretOpen, secretSeal } from './curve-crypto';
import { readShortNonce, shortNonce } from './curve-nonce';
import { unexpected, zapMissing, zapUnavailable, ZmtpAuthError, type Mechanism, type MechanismHost, type ZapSettings } from './mechanism';
import { SodiumGate } from './sodium-gate';
import { callZap, type ZapOutcome } from './zap';

/** A CURVE server's long-term key pair (32 bytes each). */
export interface CurveServerKeys {
  publicKey: Buffer;
  secretKey: Buffer;
}

const HELLO_SIZE = 194;
/** INITIATE: cookie (96), short nonce (8), box of C (32), vouch (96) and metadata. */
const COOKIE_SIZE = 96;
const INITIATE_MIN = COOKIE_SIZE + 8 + 16 + 128;

const enum Step {
  Hello,
  Initiate,
  Zap,
  Done,
}

const badBox = (what: string): ZmtpProtocolError => new ZmtpProtocolError('bad-box', `the CURVE ${what} does not open`);

/**
 * The server side of CurveZMQ (RFC 26): opens HELLO with its long-term
 * secret key, answers WELCOME (its short-term key and a cookie only it can
 * open), checks INITIATE (cookie, the box under the short-term keys, the
 * client's vouch), asks ZAP about the client's long-term key, and answers
 * READY or ERROR with the ZAP status code. Commands that come before
 * libsodium is loaded wait for it, in order (see {@link SodiumGate}).
 */
export class CurveServer implements Mechanism {
  private at = Step.Hello;
  /** Our short-term pair (S', s'), and (from HELLO on) the key that seals the cookie, both for this connection only. */
  private readonly transient = rawKeyPair();
  private cookieKey: Buffer | undefined;
  private clientTransient: Buffer | undefined;
  private clientNonce = 0;
  private readonly gate: SodiumGate;

  constructor(
    private readonly host: MechanismHost,
    private readonly keys: CurveServerKeys,
    private readonly zap: ZapSettings,
  ) {
    this.gate = new SodiumGate(host);
  }

  start(): void {
    // The client speaks first.
  }

  command(name: string, data: Buffer): void {
    this.gate.run(() => this.step(name, data));
  }

  private step(name: string, data: Buffer): void {
    if (this.at === Step.Hello && name === 'HELLO') this.hello(data);
    else if (this.at === Step.Initiate && name === 'INITIATE') this.initiate(data);
    else throw unexpected(name, this.at === Step.Initiate ? 'INITIATE' : 'HELLO');
  }

  private hello(data: Buffer): void {
    if (data.length !== HELLO_SIZE || data[0] !== 1 || data[1] !== 0) {
      throw new ZmtpProtocolError('bad-command', 'a malformed CURVE HELLO (or not CurveZMQ 1.0)');
    }
    const clientTransient = Buffer.from(data.subarray(74, 106));
    const helloKey = beforenm(clientTransient, this.keys.secretKey);
    const opened = open(helloKey, nonce('CurveZMQHELLO---', data.subarray(106, 114)), data.subarray(114, 194));
    if (!opened) throw new ZmtpProtocolError('bad-box', 'the CURVE HELLO does not open: the client has another server key');
    this.clientTransient = clientTransient;
    this.clientNonce = readShortNonce(data, 106);
    const cookieKey = random(32);
    this.cookieKey = cookieKey;
    const cookieNonce = random(16);
    const cookie = Buffer.concat([
      cookieNonce,
      secretSeal(cookieKey, nonce('COOKIE--', cookieNonce), Buffer.concat([clientTransient, this.transient.secretKey])),
    ]);
    const welcomeNonce = random(16);
    const box = seal(helloKey, nonce('WELCOME-', welcomeNonce), Buffer.concat([this.transient.publicKey, cookie]));
    this.at = Step.Initiate;
    this.host.send(encodeCommand('WELCOME', Buffer.concat([welcomeNonce, box])));
  }

  private initiate(data: Buffer): void {
    if (data.length < INITIATE_MIN) throw new ZmtpProtocolError('bad-command', 'a malformed CURVE INITIATE');
    const clientTransient = this.clientTransient!;
    const cookie = secretOpen(this.cookieKey!, nonce('COOKIE--', data.subarray(0, 16)), data.subarray(16, COOKIE_SIZE));
    const expected = Buffer.concat([clientTransient, this.transient.secretKey]);
    if (!cookie || !timingSafeEqual(cookie, expected)) throw badBox('INITIATE cookie');
    const n = readShortNonce(data, COOKIE_SIZE);
    if (n <= this.clientNonce) throw new ZmtpProtocolError('bad-nonce', 'a CURVE INITIATE nonce out of order');
    const key = beforenm(clientTransient, this.transient.secretKey);
    const plain = open(key, nonce('CurveZMQINITIATE', data.subarray(COOKIE_SIZE, COOKIE_SIZE + 8)), data.subarray(COOKIE_SIZE + 8));
    if (!plain || plain.length < 128) throw badBox('INITIATE');
    const clientKey = Buffer.from(plain.subarray(0, 32));
    const vouch = open(beforenm(clientKey, this.transient.secretKey), nonce('VOUCH---', plain.subarray(32, 48)), plain.subarray(48, 128));
    if (!vouch || !vouch.equals(Buffer.concat([clientTransient, this.keys.publicKey]))) throw badBox('INITIATE vouch');
    const metadata = parseMetadata(plain.subarray(128));
    this.host.check(metadata);
    this.at = Step.Zap;
    const { authenticate, domain, identity } = this.zap;
    if (zapMissing(this.zap)) return this.host.fail(zapUnavailable(domain));
    const request = { domain, address: this.host.address, identity, mechanism: 'CURVE' as const, credentials: { publicKey: clientKey } };
    callZap(authenticate, request, (outcome) => this.authenticated(outcome, key, n, metadata));
  }

  private authenticated(outcome: ZapOutcome, key: Uint8Array, clientNonce: number, metadata: Map<string, Buffer>): void {
    if (this.host.closed) return;
    if (!outcome.allowed) {
      this.host.fail(new ZmtpAuthError(String(outcome.statusCode), `CURVE client refused (ZAP status ${outcome.statusCode})`));
      return;
    }
    const n = shortNonce(1);
    const box = seal(key, nonce('CurveZMQREADY---', n), encodeMetadata(this.host.metadata));
    this.at = Step.Done;
    this.host.send(encodeCommand('READY', Buffer.concat([n, box])));
    const cipher = new CurveCipher(key, 'CurveZMQMESSAGES', 'CurveZMQMESSAGEC', 2, clientNonce);
    this.host.done({ metadata, userId: outcome.userId, zapMetadata: outcome.metadata, cipher });
  }
}
