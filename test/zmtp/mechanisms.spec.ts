/**
 * The zmtp engine's security parts on their own: Z85 (RFC 32), the CURVE
 * crypto helpers on libsodium (keys against zeromq.js's, boxes against the
 * NaCl test vector), the wait for libsodium to load, sealed MESSAGE frames
 * (round trips, replays, tampering), the ZAP call and the reading of the
 * security options.
 */
import fc from 'fast-check';
import * as zmq from 'zeromq';
import { FrameParser, ZmtpProtocolError } from '../../src/engine/zmtp/codec';
import { curveKeyPair as engineKeyPair } from '../../src/engine/zmtp';
import { CurveCipher } from '../../src/engine/zmtp/mechanisms/curve-cipher';
import {
  beforenm,
  nonce,
  open,
  publicKeyOf,
  rawKeyPair,
  seal,
  secretOpen,
  secretSeal,
} from '../../src/engine/zmtp/mechanisms/curve-crypto';
import { SealedReader } from '../../src/engine/zmtp/mechanisms/sealed-reader';
import { openFrom, sealInto } from '../../src/engine/zmtp/mechanisms/sodium-scratch';
import { SodiumGate } from '../../src/engine/zmtp/mechanisms/sodium-gate';
import { sodiumReady } from '../../src/engine/zmtp/mechanisms/sodium';
import { curveKey, z85Decode, z85Encode } from '../../src/engine/zmtp/mechanisms/z85';
import { callZap, type ZapOutcome, type ZapRequest } from '../../src/engine/zmtp/mechanisms/zap';
import { readSecurity } from '../../src/engine/zmtp/security-options';

const RUNS = { numRuns: 100 };

// The CURVE helpers call libsodium, which loads asynchronously once.
beforeAll(() => sodiumReady());

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

  it('box - a low-order public key is a protocol error, not a crash', () => {
    expect(() => beforenm(Buffer.alloc(32), rawKeyPair().secretKey)).toThrow(ZmtpProtocolError);
  });

  it('box - the NaCl crypto_box test vector (Alice to Bob, 131 bytes) seals and opens byte for byte', () => {
    const { bobPublic, aliceSecret, nonce24, plain, box } = NACL_VECTOR;
    const key = beforenm(bobPublic, aliceSecret);
    expect(seal(key, nonce24, plain).equals(box)).toBe(true);
    expect(open(key, nonce24, box)?.equals(plain)).toBe(true);
  });

  it('box - any flipped bit, in tag or ciphertext, makes a box not open', () => {
    const key = beforenm(rawKeyPair().publicKey, rawKeyPair().secretKey);
    const n = nonce('CurveZMQMESSAGEC', Buffer.alloc(8, 3));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (plain, at, bit) => {
        const box = seal(key, n, plain);
        expect(box.length).toBe(plain.length + 16);
        expect(open(key, n, box)?.equals(Buffer.from(plain))).toBe(true);
        box[at % box.length] ^= 1 << bit;
        expect(open(key, n, box)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('box - the per-frame path (libsodium called on one shared scratch region) seals and opens exactly as the wrapper does, any size', () => {
    const key = beforenm(rawKeyPair().publicKey, rawKeyPair().secretKey);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), (plain, rest) => {
        const n = nonce('CurveZMQMESSAGES', rest);
        const out = Buffer.alloc(plain.length + 20, 0xee);
        sealInto(key, n, plain, out, 4);
        expect(out.subarray(4).equals(seal(key, n, plain))).toBe(true);
        expect(out.subarray(0, 4).equals(Buffer.alloc(4, 0xee))).toBe(true);
        expect(openFrom(key, n, out.subarray(4))?.equals(Buffer.from(plain))).toBe(true);
        out[4 + (plain.length % 16)] ^= 1;
        expect(openFrom(key, n, out.subarray(4))).toBeUndefined();
      }),
      RUNS,
    );
    // A message larger than the scratch region grows it.
    const big = Buffer.alloc(200_000, 7);
    const n = nonce('CurveZMQMESSAGEC', Buffer.alloc(8, 1));
    const box = Buffer.alloc(big.length + 16);
    sealInto(key, n, big, box, 0);
    expect(openFrom(key, n, box)?.equals(big)).toBe(true);
  });

  it('secretbox - the cookie box opens with its own key and nonce only', () => {
    const key = Buffer.alloc(32, 9);
    const n = nonce('COOKIE--', Buffer.alloc(16, 1));
    const box = secretSeal(key, n, Buffer.from('cookie'));
    expect(secretOpen(key, n, box)?.toString()).toBe('cookie');
    expect(secretOpen(Buffer.alloc(32, 8), n, box)).toBeUndefined();
    expect(secretOpen(key, n, box.subarray(0, 15))).toBeUndefined();
    // crypto_box_afternm is crypto_secretbox under the beforenm key: the two agree.
    expect(open(key, n, box)?.toString()).toBe('cookie');
  });
});

describe('sodium gate', () => {
  /** A host that records what a gate does with it. */
  function host() {
    const failed: Error[] = [];
    const state = { closed: false };
    return {
      failed,
      state,
      host: {
        metadata: {},
        address: '',
        get closed() {
          return state.closed;
        },
        send: () => undefined,
        check: () => undefined,
        done: () => undefined,
        fail: (error: Error) => failed.push(error),
      },
    };
  }

  it('gate - once libsodium is loaded, steps run at once and their errors throw to the caller', async () => {
    await sodiumReady();
    const { host: h, failed } = host();
    const gate = new SodiumGate(h);
    const ran: number[] = [];
    gate.run(() => ran.push(1));
    expect(ran).toEqual([1]);
    expect(() =>
      gate.run(() => {
        throw new ZmtpProtocolError('bad-box', 'x');
      }),
    ).toThrow(ZmtpProtocolError);
    expect(failed).toEqual([]);
  });

  it('gate - before libsodium is loaded, steps wait and run in order; a throw fails the connection and drops the rest', async () => {
    await jestIsolated(async (Gate, ready) => {
      const { host: h, failed } = host();
      const gate = new Gate(h);
      const ran: number[] = [];
      gate.run(() => ran.push(1));
      gate.run(() => ran.push(2));
      gate.run(() => {
        throw new ZmtpProtocolError('bad-box', 'x');
      });
      gate.run(() => ran.push(4));
      expect(ran).toEqual([]);
      // The gate's own wait was registered first, so it has drained its queue when this one resumes.
      await ready();
      expect(ran).toEqual([1, 2]);
      expect(failed.map((e) => (e as ZmtpProtocolError).reason)).toEqual(['bad-box']);
    });
  });

  it('gate - steps queued for a connection that closes meanwhile never run', async () => {
    await jestIsolated(async (Gate, ready) => {
      const { host: h, failed, state } = host();
      const gate = new Gate(h);
      const ran: number[] = [];
      gate.run(() => ran.push(1));
      state.closed = true;
      await ready();
      expect(ran).toEqual([]);
      expect(failed).toEqual([]);
    });
  });
});

/** The NaCl distribution's crypto_box test (tests/box.c, box2.c), as libsodium ships it. */
const NACL_VECTOR = {
  aliceSecret: hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
  bobPublic: hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'),
  nonce24: hex('69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37'),
  plain: hex(
    'be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31' +
      '0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705',
  ),
  box: hex(
    'f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972' +
      '71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3' +
      '7973f622a43d14a6599b1f654cb45a74e355a5',
  ),
};

function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}

/** Runs `body` with SodiumGate and sodiumReady from a fresh module registry, where libsodium has not been loaded yet. */
async function jestIsolated(body: (Gate: typeof SodiumGate, ready: typeof sodiumReady) => Promise<void>): Promise<void> {
  let Gate: typeof SodiumGate | undefined;
  let ready: typeof sodiumReady | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    Gate = (require('../../src/engine/zmtp/mechanisms/sodium-gate') as { SodiumGate: typeof SodiumGate }).SodiumGate;
    ready = (require('../../src/engine/zmtp/mechanisms/sodium') as { sodiumReady: typeof sodiumReady }).sodiumReady;
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  await body(Gate!, ready!);
}

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
