/** Keyword arguments for a call, marked so the client can tell them from a positional object. */
export class Kwargs {
  constructor(readonly values: Readonly<Record<string, unknown>>) {}
}

/**
 * Marks keyword arguments, for servers that take them (Python's aiozmq, or
 * rxzmq methods that declare `params`). Pass it as the last argument.
 *
 * ## Example
 * ```ts
 * import { connectRpc, kwargs } from 'rxzmq/rpc';
 * const client = await connectRpc({ connect: 'tcp://127.0.0.1:5555', protocol: 'aiozmq' });
 * await client.call.kw(1, kwargs({ c: 'y' }));   // Python: kw(1, c='y')
 * ```
 *
 * @param values Keyword names and values.
 * @returns The marker to pass as the last argument of a call.
 */
export function kwargs(values: Record<string, unknown>): Kwargs {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new TypeError('rxzmq: kwargs takes an object of keyword arguments');
  }
  return new Kwargs({ ...values });
}

/** No keyword arguments: one shared, frozen object instead of a new one per call. */
export const NO_KWARGS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Splits a call's arguments (an array the caller no longer uses) into positional ones and the keyword marker, if last. */
export function splitArgs(all: unknown[]): { args: unknown[]; kwargs: Readonly<Record<string, unknown>> } {
  const last = all[all.length - 1];
  if (last instanceof Kwargs) return { args: all.slice(0, -1), kwargs: { ...last.values } };
  return { args: all, kwargs: NO_KWARGS };
}
