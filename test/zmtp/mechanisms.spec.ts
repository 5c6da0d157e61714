/**
 * The zmtp engine's security parts on their own: Z85 (RFC 32), the CURVE
 * crypto helpers (against zeromq.js's libsodium-made keys), sealed MESSAGE
 * frames (round trips, replays, tampering), the ZAP call and the reading
 * of the security options.
 */
import fc from 'fast-check';
import * as zmq from 'zeromq';
import { FrameParser, ZmtpProtocolError } from '../../src/engine/zmtp/codec';
import { curveKeyPair as engineKeyPair } from '../../src/engine/zmtp';
import { CurveCipher } from '../../src/engine/zmtp/mechanisms/curve-cipher';
import { beforenm, nonce, open, PrefixedBox, publicKeyOf, rawKeyPair, seal } from '../../src/engine/zmtp/mechanisms/curve-crypto';
import { poly1305Into } from '../../src/engine/zmtp/mechanisms/poly1305';
import { Salsa20 } from '../../src/engine/zmtp/mechanisms/salsa20';
import { SealedReader } from '../../src/engine/zmtp/mechanisms/sealed-reader';
import { poly1305 } from '@noble/ciphers/_poly1305';
import { salsa20 } from '@noble/ciphers/salsa';
import { curveKey, z85Decode, z85Encode } from '../../src/engine/zmtp/mechanisms/z85';
import { callZap, type ZapOutcome, type ZapRequest } from '../../src/engine/zmtp/mechanisms/zap';
import { readSecurity } from '../../src/engine/zmtp/security-options';

const RUNS = { numRuns: 100 };

describe('z85', () => {
  it('z85 - encodes and decodes the RFC 32 test vector', () => {
    const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(z85Encode(bytes)).toBe('HelloWorld');
    expect(z85Decode('HelloWorld').equals(bytes)).toBe(true);
  });

  it('z85 - any multiple of 4 bytes round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        const bytes = Buffer.from(raw.subarray(0, raw.length - (raw.length % 4)));
        const text = z85Encode(bytes);
        expect(text.length).toBe((bytes.length / 4) * 5);
        expect(z85Decode(text).equals(bytes)).toBe(true);
      }),
      RUNS,
    );
  });

  it('z85 - refuses bad lengths, foreign characters and overflowing groups', () => {
    expect(() => z85Encode(Buffer.alloc(3))).toThrow(TypeError);
    expect(() => z85Decode('Hell')).toThrow(TypeError);
    expect(() => z85Decode('Hell~')).toThrow(/character/);
    expect(() => z85Decode('#####')).toThrow(/overflows/);
  });

  it('keys - a key is 40 Z85 characters or 32 bytes, nothing else', () => {
    const { publicKey } = zmq.curveKeyPair();
    const bytes = curveKey(publicKey, 'k');
    expect(bytes.length).toBe(32);
    expect(curveKey(bytes, 'k').equals(bytes)).toBe(true);
    expect(() => curveKey(publicKey.slice(1), 'curveServerKey')).toThrow(/curveServerKey/);
    expect(() => curveKey(Buffer.alloc(31), 'k')).toThrow(TypeError);
    expect(() => curveKey(undefined, 'k')).toThrow(TypeError);
  });
});

describe('curve crypto', () => {
  it("keys - our X25519 derives libsodium's public key from zeromq.js's secret key", () => {
    for (let i = 0; i < 5; i++) {
      const pair = zmq.curveKeyPair();
      expect(z85Encode(publicKeyOf(z85Decode(pair.secretKey)))).toBe(pair.publicKey);
    }
  });

  it('keys - the engine curveKeyPair() gives Z85 keys that belong together', () => {
    const pair = engineKeyPair();
    expect(pair.publicKey).toHaveLength(40);
    expect(z85Encode(publicKeyOf(z85Decode(pair.secretKey)))).toBe(pair.publicKey);
    expect(engineKeyPair().secretKey).not.toBe(pair.secretKey);
  });

  it('box - both sides derive one key; a box opens with it and with nothing else', () => {
    const a = rawKeyPair();
    const b = rawKeyPair();
    const key = beforenm(a.publicKey, b.secretKey);
    expect(Buffer.from(beforenm(b.publicKey, a.secretKey)).equals(Buffer.from(key))).toBe(true);
    const n = nonce('CurveZMQHELLO---', Buffer.alloc(8, 1));
    const box = seal(key, n, Buffer.from('secret'));
    expect(box.length).toBe(6 + 16);
    expect(open(key, n, box)?.toString()).toBe('secret');
    expect(open(beforenm(rawKeyPair().publicKey, b.secretKey), n, box)).toBeUndefined();
    expect(open(key, nonce('CurveZMQHELLO---', Buffer.alloc(8, 2)), box)).toBeUndefined();
    expect(open(key, n, box.subarray(0, 10))).toBeUndefined();
  });

  it('poly1305 - the RFC 8439 2.5.2 vector, and the same tags as @noble/ciphers for any key and length', () => {
    const key = Buffer.from('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b', 'hex');
    const tag = Buffer.alloc(16);
    poly1305Into(Buffer.from('Cryptographic Forum Research Group'), key, tag, 0);
    expect(tag.toString('hex')).toBe('a8061dc1305136c6c22b8baf0c0127a9');
    const bytes = (n: number) => fc.oneof(fc.uint8Array({ minLength: n, maxLength: n }), fc.constant(new Uint8Array(n).fill(0xff)));
    fc.assert(
      fc.property(bytes(32), fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.nat(100).map((n) => new Uint8Array(n).fill(0xff))), (k, msg) => {
        poly1305Into(msg, k, tag, 0);
        expect(tag.equals(Buffer.from(poly1305(msg, k)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('salsa20 - the same keystream as @noble/ciphers from any starting byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.nat(200), fc.nat(100), (key, n, length, start) => {
        const expected = salsa20(key, n, new Uint8Array(start + length)).subarray(start);
        const data = new Uint8Array(length);
        new Salsa20(key).xor(n, data, start);
        expect(Buffer.from(data).equals(Buffer.from(expected))).toBe(true);
      }),
      RUNS,
    );
  });

  it('box - a low-order public key is a protocol error, not a crash', () => {
    expect(() => beforenm(Buffer.alloc(32), rawKeyPair().secretKey)).toThrow(ZmtpProtocolError);
  });

  it('box - sealing in place with a prefixed nonce gives the same box as NaCl crypto_box', () => {
    const key = beforenm(rawKeyPair().publicKey, rawKeyPair().secretKey);
    const box = new PrefixedBox(key, 'CurveZMQMESSAGEC');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (plain, counter) => {
        const short = Buffer.alloc(8);
        short.writeUInt32BE(counter, 4);
        const region = Buffer.alloc(32 + plain.length);
        region.set(plain, 32);
        box.sealInPlace(short, region);
        expect(region.subarray(16).equals(seal(key, nonce('CurveZMQMESSAGEC', short), plain))).toBe(true);
        expect(box.openInPlace(short, region)).toBe(true);
        expect(region.subarray(32).equals(Buffer.from(plain))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('sealed MESSAGE frames', () => {
  /** A client-side cipher and a reader of what it seals, as the server holds them. */
  function pair() {
    const key = beforenm(rawKeyPair().publicKey, rawKeyPair().secretKey);
    const client = new CurveCipher(key, 'CurveZMQMESSAGEC', 'CurveZMQMESSAGES', 3, 1);
    const server = new CurveCipher(key, 'CurveZMQMESSAGES', 'CurveZMQMESSAGEC', 2, 2);
    const messages: Buffer[][] = [];
    const commands: [string, Buffer][] = [];
    const reader = new SealedReader(server, -1, (m) => messages.push(m), (n, d) => commands.push([n, d]));
    const parser = new FrameParser({
      onMessage: (frames) => frames.forEach((f) => reader.read(f)),
      onCommand: () => {
        throw new Error('MESSAGE travels as a plain frame');
      },
    });
    return { client, server, messages, commands, parser };
  }

  it('message - multipart messages (empty frames, a 70000 B frame) come back byte for byte', () => {
    const { client, messages, parser } = pair();
    const big = Buffer.alloc(70000, 7);
    big[69999] = 1;
    parser.push(Buffer.concat(client.encodeMessage([Buffer.from('a'), Buffer.alloc(0), big])));
    parser.push(Buffer.concat(client.encodeMessage([Buffer.alloc(0)])));
    expect(messages.map((m) => m.map((f) => f.length))).toEqual([[1, 0, 70000], [0]]);
    expect(messages[0][2].equals(big)).toBe(true);
  });

  it('command - a sealed command comes out as a command', () => {
    const { client, commands, parser } = pair();
    const sub = [Buffer.from([0x04, 10, 9]), Buffer.from('SUBSCRIBEnews')];
    parser.push(Buffer.concat(client.encodeCommand(sub)));
    expect(commands.map(([n, d]) => [n, d.toString()])).toEqual([['SUBSCRIBE', 'news']]);
  });

  it('replay - a MESSAGE seen before is refused (nonce not above the last)', () => {
    const { client, parser } = pair();
    const bytes = Buffer.concat(client.encodeMessage([Buffer.from('x')]));
    parser.push(Buffer.from(bytes));
    expect(() => parser.push(Buffer.from(bytes))).toThrow(expect.objectContaining({ reason: 'bad-nonce' }));
  });

  it('tamper - any flipped bit past the name makes the MESSAGE refused', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (payload, at, bit) => {
        const { client, messages, parser } = pair();
        const bytes = Buffer.concat(client.encodeMessage([Buffer.from(payload)]));
        const i = 2 + 8 + (at % (bytes.length - 10));
        bytes[i] ^= 1 << bit;
        let error: unknown;
        try {
          parser.push(bytes);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ZmtpProtocolError);
        expect(['bad-box', 'bad-nonce']).toContain((error as ZmtpProtocolError).reason);
        expect(messages).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('zap', () => {
  const request: ZapRequest = {
    domain: 'd',
    address: '127.0.0.1',
    identity: Buffer.alloc(0),
    mechanism: 'PLAIN',
    credentials: { username: 'u', password: 'p' },
  };
  const ask = (handler: Parameters<typeof callZap>[0]): Promise<ZapOutcome> =>
    new Promise((resolve) => callZap(handler, request, resolve));

  it('zap - true, a reply and a resolved promise allow; false, a status code, a throw and a rejection refuse', async () => {
    expect(await ask(undefined)).toMatchObject({ allowed: true, statusCode: 200 });
    expect(await ask(() => true)).toMatchObject({ allowed: true });
    expect(await ask(() => ({ userId: 'alice', metadata: { Role: 'admin' } }))).toEqual({
      allowed: true,
      statusCode: 200,
      userId: 'alice',
      metadata: { Role: 'admin' },
    });
    expect(await ask(async () => true)).toMatchObject({ allowed: true });
    expect(await ask(() => false)).toEqual({ allowed: false, statusCode: 400 });
    expect(await ask(() => ({ allow: false }))).toEqual({ allowed: false, statusCode: 400 });
    expect(await ask(() => ({ statusCode: 300 }))).toEqual({ allowed: false, statusCode: 300 });
    expect(
      await ask(() => {
        throw new Error('boom');
      }),
    ).toEqual({ allowed: false, statusCode: 500 });
    expect(await ask(() => Promise.reject(new Error('boom')))).toEqual({ allowed: false, statusCode: 500 });
  });

  it('zap - the handler sees the request as given', async () => {
    const seen: ZapRequest[] = [];
    await ask((r) => (seen.push(r), true));
    expect(seen).toEqual([request]);
  });
});

describe('security options', () => {
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();

  it('options - pick the mechanism and side as libzmq does', () => {
    expect(readSecurity({})).toMatchObject({ mechanism: 'NULL' });
    expect(readSecurity({ plainServer: true, zapDomain: 'x', routingId: 'me' })).toMatchObject({
      mechanism: 'PLAIN',
      asServer: true,
      zap: { domain: 'x', identity: Buffer.from('me') },
    });
    expect(readSecurity({ plainUsername: 'u' })).toEqual({ mechanism: 'PLAIN', asServer: false, username: 'u', password: '' });
    const curveServer = readSecurity({ curveServer: true, curveSecretKey: server.secretKey });
    expect(curveServer).toMatchObject({ mechanism: 'CURVE', asServer: true });
    expect(z85Encode((curveServer as { keys: { publicKey: Buffer } }).keys.publicKey)).toBe(server.publicKey);
    expect(
      readSecurity({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey }),
    ).toMatchObject({ mechanism: 'CURVE', asServer: false });
  });

  it('options - refuse what cannot work', () => {
    expect(() => readSecurity({ curveServer: true })).toThrow(/curveSecretKey/);
    expect(() => readSecurity({ curveServerKey: server.publicKey })).toThrow(/curveSecretKey/);
    expect(() => readSecurity({ curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: client.publicKey })).toThrow(
      /does not belong/,
    );
    expect(() => readSecurity({ plainServer: true, curveServer: true, curveSecretKey: server.secretKey })).toThrow(/not both/);
    expect(() => readSecurity({ authenticate: () => true })).toThrow(/PLAIN or CURVE server/);
    expect(() => readSecurity({ plainServer: true, authenticate: 'yes' })).toThrow(/must be a function/);
    expect(() => readSecurity({ plainUsername: 5 })).toThrow(/plainUsername/);
  });
});
