import { libzmqEngine } from './libzmq';
import type { Engine } from './types';
import { zmtpEngine } from './zmtp';

/**
 * The engines rxzmq ships, by name: `zmtp` (ZeroMQ's wire protocol in
 * TypeScript, the default) and `libzmq` (zeromq.js: every transport and
 * option libzmq has). See docs/ENGINES.md.
 */
export const engines = { libzmq: libzmqEngine, zmtp: zmtpEngine } as const;

/** The name of a shipped engine. */
export type EngineName = keyof typeof engines;

/** zmtp: the contract tests pass over it in full, and it is several times faster per message (docs/ENGINES.md). */
let defaultEngine: Engine = zmtpEngine;

/** The engine used by sockets that do not name one. */
export function getDefaultEngine(): Engine {
  return defaultEngine;
}

/**
 * Sets the process-wide default engine.
 *
 * ## Example
 * ```ts
 * import { setDefaultEngine } from 'rxzmq';
 * setDefaultEngine('libzmq');
 * ```
 */
export function setDefaultEngine(engine: EngineName | Engine): void {
  defaultEngine = resolveEngine(engine);
}

/** Turns an engine name (or an engine) into an engine; undefined gives the default. */
export function resolveEngine(engine: EngineName | Engine | undefined): Engine {
  if (engine === undefined) return defaultEngine;
  if (typeof engine !== 'string') return engine;
  const found = (engines as Record<string, Engine>)[engine];
  if (!found) throw new TypeError(`rxzmq: unknown engine '${engine}' (known: ${Object.keys(engines).join(', ')})`);
  return found;
}
