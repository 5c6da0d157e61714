/**
 * Declaring remote methods: `method()` for functions, `@remote()` for class
 * methods, `expose()` for classes without decorators. The declaration (a
 * {@link MethodSpec}) says how keyword arguments map to parameters, which
 * schemas check the arguments and the result, and whether the method wants
 * the call's AbortSignal.
 *
 * ## Example
 * ```ts
 * import { method, serveRpc } from 'rxzmq/rpc';
 *
 * const handler = {
 *   // From Python: add(1, 2), add(1, b=2), add(a=1, b=2)
 *   add: method((a: number, b: number) => a + b, { params: ['a', 'b'] }),
 *   // From Python: greet('Ann') or greet('Ann', greeting='Hi')
 *   greet: method((name: string, greeting = 'Hello') => `${greeting}, ${name}`, { params: ['name', 'greeting?'] }),
 * };
 * await serveRpc(handler, { bind: 'tcp://127.0.0.1:5555', protocol: 'aiozmq' });
 * ```
 */
import type { StandardSchemaV1 } from './standard-schema';

/** How a remote method takes its arguments and what it promises to return. */
export interface MethodSpec {
  /**
   * Parameter names, in order, so that callers may pass keyword arguments
   * (Python's `f(1, b=2)`). `'b?'` marks an optional parameter (optional
   * ones come after the required ones); `'...rest'`, last, collects surplus
   * positional arguments. Without `params` the method takes no keyword
   * arguments and receives its positional arguments as given.
   */
  readonly params?: readonly string[];
  /**
   * A schema for the final positional argument list (after keywords are
   * bound), an array or tuple schema. What it outputs (possibly
   * transformed) is what the method receives; its issues fail the call
   * with `ParameterError`.
   */
  readonly args?: StandardSchemaV1;
  /**
   * A schema for the result: the value, a Promise's value once resolved,
   * or every value of an Observable. Its issues fail the call with `ResultError`.
   */
  readonly result?: StandardSchemaV1;
  /**
   * Pass the call's AbortSignal as one extra last argument. It fires when
   * the caller gives up or the server's timeout passes. With `params` (and
   * no rest parameter) it always lands right after the declared
   * parameters; otherwise it is simply the last argument.
   */
  readonly signal?: boolean;
}

/** A {@link MethodSpec} checked and parsed once, when the method is declared. */
export interface MethodInfo {
  readonly spec: MethodSpec;
  /** Present when the spec declares `params`. */
  readonly params?: ParsedParams;
}

/** Parsed `params`. */
export interface ParsedParams {
  /** Named parameters in order (without `?` or the rest parameter). */
  readonly names: readonly string[];
  /** How many of `names` are required (they come first). */
  readonly required: number;
  /** Each name's position. */
  readonly index: ReadonlyMap<string, number>;
  /** The rest parameter's name, if any. */
  readonly rest?: string;
}

/** Any function. */
export type AnyFunction = (...args: any[]) => unknown;

/** Marks, kept off the functions themselves so that nothing enumerable or callable-by-name is added. */
const marks = new WeakMap<AnyFunction, MethodInfo>();

/**
 * Names never reachable in a handler, even as own properties: every name on
 * `Object.prototype` (`constructor`, `__proto__`, `toString`, `valueOf`,
 * `hasOwnProperty`, `__defineGetter__`, ...) and `prototype`.
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Marks a function as a remote method with a spec, and returns it (the
 * same function, typed the same). Functions in a plain-object handler are
 * remote without it; `method()` adds keyword arguments, schemas and the
 * AbortSignal. A bad spec throws `TypeError` here.
 *
 * ## Example
 * ```ts
 * import { method } from 'rxzmq/rpc';
 * import { z } from 'zod';
 *
 * const handler = {
 *   // Python: add(1, b=2) -> 3
 *   add: method((a: number, b: number) => a + b, { params: ['a', 'b'] }),
 *   // Python: total(1, 2, 3) -> 6
 *   total: method((...xs: number[]) => xs.reduce((s, x) => s + x, 0), { params: ['...xs'] }),
 *   // checked arguments; the method receives zod's output
 *   square: method((x: number) => x * x, { args: z.tuple([z.coerce.number()]) }),
 *   // a long call that stops when the caller gives up
 *   wait: method((ms: number, signal: AbortSignal) => sleep(ms, signal), { params: ['ms'], signal: true }),
 * };
 * ```
 *
 * @param fn The function.
 * @param spec How it takes its arguments (see {@link MethodSpec}).
 * @returns `fn` itself.
 */
export function method<F extends AnyFunction>(fn: F, spec: MethodSpec = {}): F {
  if (typeof fn !== 'function') throw new TypeError('rxzmq: method() takes a function');
  marks.set(fn, parseSpec(spec));
  return fn;
}

/**
 * A decorator (TC39 standard decorators, TypeScript 5; not
 * `experimentalDecorators`) that marks a class method as remote. Of a class
 * instance, only marked methods are reachable, whether defined on its class
 * or inherited from a base class. A subclass that overrides a marked method
 * must mark the override too. Private and static methods cannot be marked.
 *
 * ## Example
 * ```ts
 * import { remote, serveRpc } from 'rxzmq/rpc';
 *
 * class Calculator {
 *   private calls = 0;
 *   @remote({ params: ['a', 'b'] })
 *   add(a: number, b: number): number {
 *     this.calls++;
 *     return a + b;
 *   }
 *   reset(): void {} // not marked: NotFoundError for callers
 * }
 * await serveRpc(new Calculator(), { bind: 'tcp://127.0.0.1:5555' });
 * ```
 *
 * @param spec How the method takes its arguments (see {@link MethodSpec}).
 * @returns The decorator.
 */
export function remote(spec: MethodSpec = {}) {
  const info = parseSpec(spec);
  return function <This, F extends (this: This, ...args: any[]) => unknown>(
    value: F,
    context: ClassMethodDecoratorContext<This, F>,
  ): void {
    if (context.kind !== 'method') throw new TypeError('rxzmq: @remote() marks methods only');
    const name = String(context.name);
    if (context.private || context.static || typeof context.name !== 'string' || FORBIDDEN_NAMES.has(name)) {
      throw new TypeError(`rxzmq: @remote() cannot expose ${name}: only public, non-static methods with ordinary names are reachable`);
    }
    marks.set(value, info);
  };
}

/** The method names of `T`. */
export type MethodKeys<T> = { [K in keyof T & string]: T[K] extends AnyFunction ? K : never }[keyof T & string];

/** What {@link expose} returns: just the chosen methods. */
export type Exposed<T, K extends keyof T> = { readonly [P in K]: T[P] };

/**
 * A handler exposing just the named methods of an object, bound to it, for
 * classes without decorators. Give names, or names with their specs. A
 * name that is not a method of `instance` (or is one of the names never
 * reachable, such as `constructor`) throws `TypeError`. A method already
 * marked with `method()` or `@remote()` keeps its spec unless one is given.
 *
 * ## Example
 * ```ts
 * import { expose, serveRpc } from 'rxzmq/rpc';
 *
 * const cache = new Map<string, string>();
 * await serveRpc({ cache: expose(cache, ['get', 'has']) }, { bind: 'tcp://127.0.0.1:5555' });
 * // cache.get('k') and cache.has('k') are reachable; cache.set and cache.clear are not.
 *
 * class Store { put(key: string, value: string) { ... } }
 * await serveRpc(expose(new Store(), { put: { params: ['key', 'value'] } }), { ... });
 * ```
 *
 * @param instance The object whose methods to expose.
 * @param names The method names, or an object of names to specs.
 * @returns A handler object of bound, marked methods.
 */
export function expose<T extends object, K extends MethodKeys<T>>(instance: T, names: readonly K[]): Exposed<T, K>;
export function expose<T extends object, K extends MethodKeys<T>>(instance: T, specs: { readonly [P in K]: MethodSpec }): Exposed<T, K>;
export function expose(instance: object, names: readonly string[] | Readonly<Record<string, MethodSpec>>): object {
  if (instance === null || (typeof instance !== 'object' && typeof instance !== 'function')) {
    throw new TypeError('rxzmq: expose() takes an object');
  }
  const entries: [string, MethodSpec | undefined][] = Array.isArray(names)
    ? names.map((name: string) => [name, undefined])
    : Object.entries(names as Readonly<Record<string, MethodSpec>>);
  const exposed: Record<string, AnyFunction> = Object.create(null);
  for (const [name, spec] of entries) {
    const fn = typeof name === 'string' && !FORBIDDEN_NAMES.has(name) ? dataProperty(instance, name) : undefined;
    if (typeof fn !== 'function') throw new TypeError(`rxzmq: expose(): ${String(name)} is not a method of the object`);
    const bound = fn.bind(instance) as AnyFunction;
    marks.set(bound, spec === undefined ? (marks.get(fn as AnyFunction) ?? parseSpec({})) : parseSpec(spec));
    exposed[name] = bound;
  }
  return Object.freeze(exposed);
}

/** The parsed spec of a marked function, `undefined` for an unmarked one. */
export function methodInfo(fn: AnyFunction): MethodInfo | undefined {
  return marks.get(fn);
}

/**
 * The data value under `key` on `obj` or its prototypes, stopping before
 * `Object.prototype` and `Function.prototype`. Reads descriptors only, so
 * no getter ever runs: an accessor, like a missing key, gives `undefined`.
 */
export function dataProperty(obj: object, key: string): unknown {
  for (let o: object | null = obj; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    const desc = Object.getOwnPropertyDescriptor(o, key);
    if (desc !== undefined) return 'value' in desc ? desc.value : undefined;
  }
  return undefined;
}

/** Checks a spec and parses its `params`; throws `TypeError` when it is malformed. */
function parseSpec(spec: MethodSpec): MethodInfo {
  if (spec === null || typeof spec !== 'object') throw new TypeError('rxzmq: a method spec is an object');
  for (const key of ['args', 'result'] as const) {
    const schema = spec[key] as Partial<StandardSchemaV1> | undefined;
    if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
      throw new TypeError(`rxzmq: the spec's ${key} is not a Standard Schema (no ~standard.validate)`);
    }
  }
  if (spec.signal !== undefined && typeof spec.signal !== 'boolean') throw new TypeError("rxzmq: the spec's signal is a boolean");
  const frozen: MethodSpec = Object.freeze({ ...spec, ...(spec.params ? { params: Object.freeze([...spec.params]) } : {}) });
  return spec.params === undefined ? { spec: frozen } : { spec: frozen, params: parseParams(spec.params) };
}

function parseParams(params: readonly string[]): ParsedParams {
  if (!Array.isArray(params)) throw new TypeError("rxzmq: the spec's params is an array of names");
  const names: string[] = [];
  const index = new Map<string, number>();
  let required = 0;
  let rest: string | undefined;
  params.forEach((param: unknown, i) => {
    const bad = (why: string) => new TypeError(`rxzmq: params[${i}] (${String(param)}): ${why}`);
    if (typeof param !== 'string') throw bad('not a string');
    const isRest = param.startsWith('...');
    const optional = !isRest && param.endsWith('?');
    const name = isRest ? param.slice(3) : optional ? param.slice(0, -1) : param;
    if (name === '' || /[?.]/.test(name) || name.startsWith('...')) throw bad('not a parameter name');
    if (index.has(name) || name === rest) throw bad('a duplicate name');
    if (isRest) {
      if (i !== params.length - 1) throw bad('the rest parameter comes last');
      rest = name;
      return;
    }
    if (!optional && names.length > required) throw bad('a required parameter after an optional one');
    if (!optional) required++;
    index.set(name, names.length);
    names.push(name);
  });
  return { names, required, index, rest };
}
