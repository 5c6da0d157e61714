import { encodeCommand, encodeMetadata, parseMetadata, ZmtpProtocolError } from '../codec';
import { CurveCipher } from './curve-cipher';
import { beforenm, nonce, open, random, rawKeyPair, seal } from './curve-crypto';
import { readShortNonce, shortNonce } from './curve-nonce';
import { unexpected, type Mechanism, type MechanismHost } from './mechanism';
import { SodiumGate } from './sodium-gate';

/** A CURVE client's keys: its long-term pair and the server's long-term public key (32 bytes each). */
export interface CurveClientKeys {
  publicKey: Buffer;
  secretKey: Buffer;
  serverKey: Buffer;
}

/** HELLO's data: version 1.0, 72 bytes of anti-amplification padding, C', short nonce, a box of 64 zeros. */
const HELLO_PADDING = 72;
const WELCOME_SIZE = 160;

const enum Step {
  Welcome,
  Ready,
  Done,
}

/**
 * The client side of CurveZMQ (RFC 26): HELLO (a fresh short-term key C'),
 * WELCOME (the server's short-term key S' and a cookie, boxed by the
 * server's long-term key: only the holder of the expected key opens it),
 * INITIATE (our long-term key, vouching for C', and our metadata), READY.
 * Each step waits for libsodium to be loaded (see {@link SodiumGate}).
 */
export class CurveClient implements Mechanism {
  private at = Step.Welcome;
  /** Our short-term pair (C', c'). */
  private readonly transient = rawKeyPair();
  private nextNonce = 1;
  /** beforenm(S', c'), once WELCOME is read. */
  private key: Uint8Array | undefined;
  private readonly gate: SodiumGate;

  constructor(
    private readonly host: MechanismHost,
    private readonly keys: CurveClientKeys,
  ) {
    this.gate = new SodiumGate(host);
  }

  start(): void {
    this.gate.run(() => this.hello());
  }

  command(name: string, data: Buffer): void {
    this.gate.run(() => this.step(name, data));
  }

  private hello(): void {
    const n = shortNonce(this.nextNonce++);
    const box = seal(beforenm(this.keys.serverKey, this.transient.secretKey), nonce('CurveZMQHELLO---', n), new Uint8Array(64));
    const data = Buffer.concat([Buffer.of(1, 0), Buffer.alloc(HELLO_PADDING), this.transient.publicKey, n, box]);
    this.host.send(encodeCommand('HELLO', data));
  }

  private step(name: string, data: Buffer): void {
    if (this.at === Step.Welcome && name === 'WELCOME') this.welcome(data);
    else if (this.at === Step.Ready && name === 'READY') this.ready(data);
    else throw unexpected(name, this.at === Step.Welcome ? 'WELCOME' : 'READY');
  }

  private welcome(data: Buffer): void {
    if (data.length !== WELCOME_SIZE) throw new ZmtpProtocolError('bad-command', 'a malformed CURVE WELCOME');
    const opened = open(
      beforenm(this.keys.serverKey, this.transient.secretKey),
      nonce('WELCOME-', data.subarray(0, 16)),
      data.subarray(16),
    );
    if (!opened) throw new ZmtpProtocolError('bad-box', 'the CURVE WELCOME does not open: is curveServerKey right?');
    const serverTransient = opened.subarray(0, 32);
    const cookie = opened.subarray(32, 128);
    const key = beforenm(serverTransient, this.transient.secretKey);
    this.key = key;
    // The vouch: our long-term key says C' is ours and S is who we meant.
    const vouchNonce = random(16);
    const vouch = seal(
      beforenm(serverTransient, this.keys.secretKey),
      nonce('VOUCH---', vouchNonce),
      Buffer.concat([this.transient.publicKey, this.keys.serverKey]),
    );
    const plain = Buffer.concat([this.keys.publicKey, vouchNonce, vouch, encodeMetadata(this.host.metadata)]);
    const n = shortNonce(this.nextNonce++);
    const box = seal(key, nonce('CurveZMQINITIATE', n), plain);
    this.at = Step.Ready;
    this.host.send(encodeCommand('INITIATE', Buffer.concat([cookie, n, box])));
  }

  private ready(data: Buffer): void {
    const key = this.key!;
    const opened = data.length >= 8 ? open(key, nonce('CurveZMQREADY---', data.subarray(0, 8)), data.subarray(8)) : undefined;
    if (!opened) throw new ZmtpProtocolError('bad-box', 'the CURVE READY does not open');
    const metadata = parseMetadata(opened);
    this.host.check(metadata);
    this.at = Step.Done;
    const cipher = new CurveCipher(key, 'CurveZMQMESSAGEC', 'CurveZMQMESSAGES', this.nextNonce, readShortNonce(data, 0));
    this.host.done({ metadata, cipher });
  }
}
