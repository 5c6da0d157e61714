/**
 * An error carrying libzmq's error code (`EFSM`, `EHOSTUNREACH`, ...), shaped
 * as the libzmq engine's errors are (`code` on the error), so rxzmq's
 * sockets turn it into the same typed errors whatever the engine.
 */
export function engineError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(`${message} (${code})`), { code });
}

/** What the zmtp engine does not do yet, with a pointer to the engine that does. */
export function notSupported(what: string, code = 'ENOTSUP'): Error & { code: string } {
  return engineError(code, `${what} is not supported yet in the zmtp engine; use the libzmq engine (engine: 'libzmq')`);
}
