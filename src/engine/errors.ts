/**
 * An error carrying libzmq's error code (`EFSM`, `EHOSTUNREACH`, ...), shaped
 * as zeromq.js's errors are (`code` on the error), so rxzmq's sockets turn
 * it into the same typed errors whatever the engine.
 */
export function engineError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(`${message} (${code})`), { code });
}
