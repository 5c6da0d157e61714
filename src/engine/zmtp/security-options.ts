import { curveKey, NULL_SECURITY, publicKeyOf, zapMissing, type Security, type ZapHandler, type ZapSettings } from './mechanisms';

/** The security options (zeromq.js names, plus rxzmq's `authenticate`) this engine reads. */
export const SECURITY_OPTIONS: readonly string[] = [
  'plainServer',
  'plainUsername',
  'plainPassword',
  'curveServer',
  'curvePublicKey',
  'curveSecretKey',
  'curveServerKey',
  'zapDomain',
  'zapEnforceDomain',
  'authenticate',
];

const given = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * The mechanism a socket's options ask for, as libzmq reads them:
 *
 * - `plainServer: true`: PLAIN server; `plainUsername` (and
 *   `plainPassword`, default ''): PLAIN client.
 * - `curveServer: true` with `curveSecretKey` (`curvePublicKey` is derived
 *   when left out): CURVE server; `curveServerKey` with `curveSecretKey`
 *   (and optionally `curvePublicKey`): CURVE client. Keys are 40-character
 *   Z85 strings or 32 bytes.
 * - `authenticate` (rxzmq's in-process ZAP handler) and `zapDomain` apply
 *   to PLAIN and CURVE servers. Without a handler a CURVE server lets every
 *   client in and a PLAIN server refuses every client, as libzmq 4.3 does
 *   without a ZAP handler.
 * - none of these: NULL.
 *
 * @throws TypeError for a malformed key, PLAIN and CURVE together, or `authenticate` on a socket that is no PLAIN or CURVE server
 */
export function readSecurity(options: Record<string, unknown>): Security {
  const id = options.routingId;
  const plain = options.plainServer === true || given(options.plainUsername) || given(options.plainPassword);
  const curve = options.curveServer === true || given(options.curveServerKey) || given(options.curveSecretKey);
  if (plain && curve) throw new TypeError('rxzmq: a socket uses PLAIN or CURVE, not both');
  const zap: ZapSettings = {
    authenticate: handlerOf(options.authenticate),
    domain: typeof options.zapDomain === 'string' ? options.zapDomain : '',
    enforceDomain: options.zapEnforceDomain === true,
    identity: typeof id === 'string' || id instanceof Uint8Array ? Buffer.from(id) : Buffer.alloc(0),
  };
  // NULL has no handler here (authenticate needs PLAIN or CURVE), so an enforced domain refuses everyone.
  let security: Security = zapMissing(zap) ? { mechanism: 'NULL', asServer: false, refuse: { domain: zap.domain } } : NULL_SECURITY;
  if (options.plainServer === true) security = { mechanism: 'PLAIN', asServer: true, zap };
  else if (plain) {
    security = {
      mechanism: 'PLAIN',
      asServer: false,
      username: stringOf(options.plainUsername, 'plainUsername'),
      password: stringOf(options.plainPassword, 'plainPassword'),
    };
  } else if (curve) {
    const secretKey = curveKey(options.curveSecretKey, 'curveSecretKey');
    const publicKey = given(options.curvePublicKey) ? curveKey(options.curvePublicKey, 'curvePublicKey') : publicKeyOf(secretKey);
    if (!publicKey.equals(publicKeyOf(secretKey))) throw new TypeError('rxzmq: curvePublicKey does not belong to curveSecretKey');
    security =
      options.curveServer === true
        ? { mechanism: 'CURVE', asServer: true, keys: { publicKey, secretKey }, zap }
        : { mechanism: 'CURVE', asServer: false, keys: { publicKey, secretKey, serverKey: curveKey(options.curveServerKey, 'curveServerKey') } };
  }
  if (zap.authenticate && !security.asServer) {
    throw new TypeError("rxzmq: 'authenticate' needs a PLAIN or CURVE server (plainServer or curveServer: true)");
  }
  return security;
}

function handlerOf(value: unknown): ZapHandler | undefined {
  if (!given(value)) return undefined;
  if (typeof value !== 'function') throw new TypeError("rxzmq: 'authenticate' must be a function (request) => boolean | ZapReply | Promise<...>");
  return value as ZapHandler;
}

function stringOf(value: unknown, name: string): string {
  if (!given(value)) return '';
  if (typeof value !== 'string') throw new TypeError(`rxzmq: ${name} must be a string`);
  return value;
}
