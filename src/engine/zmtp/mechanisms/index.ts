/**
 * ZMTP security mechanisms (NULL, PLAIN, CURVE) and in-process ZAP, one
 * concern per file as libzmq splits them; `../connection.ts` runs them.
 */
export { createMechanism, NULL_SECURITY } from './create';
export type { Security } from './create';
export { ZAP_UNAVAILABLE, zapMissing, ZmtpAuthError } from './mechanism';
export type { HandshakeResult, Mechanism, MechanismHost, MessageCipher, ZapSettings } from './mechanism';
export { SealedReader } from './sealed-reader';
export { curveKeyPair, publicKeyOf } from './curve-crypto';
export { curveKey, z85Decode, z85Encode } from './z85';
export type { ZapHandler, ZapReply, ZapRequest } from './zap';
