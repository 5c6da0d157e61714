import { engineError } from '../errors';

export { engineError };

/** What the zmtp engine does not do yet, with a pointer to the engine that does. */
export function notSupported(what: string, code = 'ENOTSUP'): Error & { code: string } {
  return engineError(code, `${what} is not supported yet in the zmtp engine; use the libzmq engine (engine: 'libzmq')`);
}
