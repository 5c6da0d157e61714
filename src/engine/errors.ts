/**
 * An error carrying libzmq's error code (`EFSM`, `EHOSTUNREACH`, ...), shaped
 * as zeromq.js's errors are (`code` on the error), so rxzmq's sockets turn
 * it into the same typed errors whatever the engine.
 */
export function engineError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(`${message} (${code})`), { code });
}

/** What an XPUB without `manual` says when given topics (every engine and the memory model). */
export const notManual = (): TypeError => new TypeError('rxzmq: an XPUB takes topics only in manual mode (manual: true)');
