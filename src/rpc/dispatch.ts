/**
 * Finding and running a handler's methods: name resolution that reaches
 * only what the handler exposes, keyword binding, argument and result
 * schemas. Pure logic: servers of every protocol hand it a
 * {@link CallRequest} and send back what it returns or throws.
 */
import { concatMap, from, isObservable, mergeMap, of, type Observable } from 'rxjs';
import { toObservable } from '../observables/consume';
import { NotFoundError, ParameterError, ResultError } from './errors';
import { dataProperty, FORBIDDEN_NAMES, methodInfo, type AnyFunction, type MethodInfo, type ParsedParams } from './method';
import type { StandardSchemaV1 } from './standard-schema';
import type { CallRequest, CallResult, Dispatcher } from './types';

/**
 * Looks a method up by its full dotted name, for handlers whose methods
 * are not known in advance. What it returns is called with `this`
 * undefined (return bound functions); a function marked with `method()` or
 * `@remote()` keeps its spec. `undefined` (or any non-function) means
 * NotFoundError.
 */
export type HandlerResolver = (name: string) => AnyFunction | undefined;

/**
 * What a server serves:
 * - a plain object (its prototype is `Object.prototype` or `null`): its own
 *   data properties that hold functions are methods, those that hold
 *   objects are namespaces (`math.mul`), to any depth;
 * - a class instance (any other object): only its methods marked with
 *   `@remote()` or `method()`, found on it or along its prototype chain
 *   (never on `Object.prototype`);
 * - an `expose()` result (a plain object of chosen, bound methods);
 * - a {@link HandlerResolver} function.
 *
 * A namespace inside a plain object is resolved by the same rules, so
 * `{ calc: new Calculator(), admin: expose(admin, ['stop']) }` mixes them.
 */
export type Handler = object | HandlerResolver;

/** A resolved method: the function, its `this`, its spec. */
interface Target {
  readonly fn: AnyFunction;
  readonly self: unknown;
  readonly info: MethodInfo | undefined;
}

/**
 * A dispatcher for a handler (see {@link Handler} for what is reachable).
 * `invoke` resolves the name, binds keyword arguments, checks the argument
 * schema, calls the method and checks its result with the result schema.
 * It throws `NotFoundError` and `ParameterError` synchronously whenever it
 * can tell synchronously, and returns what the method returned: a value,
 * a Promise (also when only the result schema is asynchronous) or an
 * Observable (checked value by value). When the argument schema answers
 * with a Promise, `invoke` returns a cold Observable instead: the method
 * runs once the arguments pass, on subscription, and its value, Promise or
 * stream comes out of that Observable.
 *
 * ## Example
 * ```ts
 * import { createDispatcher } from './dispatch';
 * const dispatcher = createDispatcher({ add: (a: number, b: number) => a + b, math: { neg: (x: number) => -x } });
 * const signal = new AbortController().signal;
 * dispatcher.invoke({ method: 'math.neg', args: [2], kwargs: {}, signal }); // -2
 * dispatcher.invoke({ method: 'constructor', args: [], kwargs: {}, signal }); // throws NotFoundError
 * ```
 *
 * @param handler The object, class instance, `expose()` result or resolver to serve.
 * @returns The dispatcher.
 */
export function createDispatcher(handler: Handler): Dispatcher {
  if (handler === null || (typeof handler !== 'object' && typeof handler !== 'function')) {
    throw new TypeError('rxzmq: a handler is an object or a resolver function');
  }
  const resolve: (name: string) => Target =
    typeof handler === 'function' ? (name) => fromResolver(handler as HandlerResolver, name) : (name) => walk(handler, name);
  return { invoke: (call) => run(resolve(call.method), call) };
}

/** The name's segments; NotFoundError for a malformed name or a segment that is never reachable. */
function segmentsOf(name: unknown): string[] {
  if (typeof name !== 'string' || name === '') throw new NotFoundError(String(name));
  const parts = name.split('.');
  for (const part of parts) if (part === '' || FORBIDDEN_NAMES.has(part)) throw new NotFoundError(name);
  return parts;
}

function walk(root: object, name: string): Target {
  const parts = segmentsOf(name);
  let ns = root;
  const lastIndex = parts.length - 1;
  for (let i = 0; i < lastIndex; i++) {
    const next = member(ns, parts[i]!);
    if (next === null || typeof next !== 'object') throw new NotFoundError(name);
    ns = next;
  }
  const fn = member(ns, parts[lastIndex]!);
  if (typeof fn !== 'function') throw new NotFoundError(name);
  return { fn: fn as AnyFunction, self: ns, info: methodInfo(fn as AnyFunction) };
}

/**
 * A namespace's member: for a plain object its own data property, for any
 * other object a marked function on it or its prototypes. Descriptors
 * only, so no getter runs.
 */
function member(ns: object, key: string): unknown {
  const proto: unknown = Object.getPrototypeOf(ns);
  if (proto === Object.prototype || proto === null) {
    const desc = Object.getOwnPropertyDescriptor(ns, key);
    return desc !== undefined && 'value' in desc ? desc.value : undefined;
  }
  const value = dataProperty(ns, key);
  return typeof value === 'function' && methodInfo(value as AnyFunction) !== undefined ? value : undefined;
}

function fromResolver(resolver: HandlerResolver, name: string): Target {
  segmentsOf(name);
  const fn: unknown = resolver(name);
  if (typeof fn !== 'function') throw new NotFoundError(name);
  return { fn: fn as AnyFunction, self: undefined, info: methodInfo(fn as AnyFunction) };
}

function run(target: Target, call: CallRequest): CallResult {
  const { fn, self, info } = target;
  const method = call.method;
  if (info === undefined) return fn.apply(self, positionalOnly(method, call.args, call.kwargs) as unknown[]);
  const { spec, params } = info;
  const bound = params ? bindParams(params, method, call.args, call.kwargs) : positionalOnly(method, call.args, call.kwargs);
  const finish = (args: readonly unknown[]): CallResult => {
    let final = args;
    if (spec.signal) {
      const padded = [...args];
      if (params && params.rest === undefined) while (padded.length < params.names.length) padded.push(undefined);
      padded.push(call.signal);
      final = padded;
    }
    const result: unknown = fn.apply(self, final as unknown[]);
    return spec.result ? checkResult(spec.result, method, result) : result;
  };
  if (!spec.args) return finish(bound);
  const checked = spec.args['~standard'].validate(bound);
  const toArgs = (r: StandardSchemaV1.Result<unknown>): readonly unknown[] => {
    if (r.issues) throw new ParameterError(`rxzmq: ${method}(): invalid arguments: ${describeIssues(r.issues)}`, { method, issues: r.issues });
    if (!Array.isArray(r.value)) throw new TypeError(`rxzmq: the args schema of ${method}() must produce an array`);
    return r.value;
  };
  if (!isPromiseLike(checked)) return finish(toArgs(checked));
  // A stream method must stay an Observable, so the result cannot be a Promise of one.
  return from(checked).pipe(mergeMap((r) => toObservable(finish(toArgs(r)))));
}

/** Positional arguments as given; any keyword is a ParameterError. */
function positionalOnly(method: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): readonly unknown[] {
  for (const key in kwargs) {
    if (Object.hasOwn(kwargs, key)) {
      throw new ParameterError(
        `rxzmq: ${method}() takes no keyword arguments (got '${key}'); declare its params to accept them`,
        { method },
      );
    }
  }
  return args;
}

/** Binds positional and keyword arguments to declared params, with Python's checks. */
function bindParams(p: ParsedParams, method: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): unknown[] {
  const fail = (what: string): never => {
    throw new ParameterError(`rxzmq: ${method}() ${what}`, { method });
  };
  const n = p.names.length;
  if (args.length > n && p.rest === undefined) {
    const takes = p.required === n ? `${n}` : `from ${p.required} to ${n}`;
    fail(`takes ${takes} positional argument${n === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`);
  }
  for (const key of Object.keys(kwargs)) {
    const at = p.index.get(key);
    if (at === undefined) fail(`got an unexpected keyword argument '${key}'`);
    else if (at < args.length) fail(`got multiple values for argument '${key}'`);
  }
  const out: unknown[] = [];
  const missing: string[] = [];
  let filled = 0;
  for (let i = 0; i < n; i++) {
    const name = p.names[i]!;
    if (i < args.length) out.push(args[i]);
    else if (Object.hasOwn(kwargs, name)) out.push(kwargs[name]);
    else {
      if (i < p.required) missing.push(`'${name}'`);
      out.push(undefined);
      continue;
    }
    filled = i + 1;
  }
  if (missing.length > 0) {
    fail(`missing ${missing.length} required argument${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`);
  }
  // Optional parameters left out at the end are left out of the call too, so JavaScript defaults apply as usual.
  out.length = filled;
  for (let i = n; i < args.length; i++) out.push(args[i]);
  return out;
}

/** Checks a result: a value now, a Promise's value once resolved, an Observable's every value. */
function checkResult(schema: StandardSchemaV1, method: string, result: unknown): unknown {
  const check = (value: unknown): unknown => {
    const r = schema['~standard'].validate(value);
    return isPromiseLike(r) ? Promise.resolve(r).then((x) => resultValue(x, method)) : resultValue(r, method);
  };
  if (isObservable(result)) {
    return result.pipe(
      concatMap((value): Observable<unknown> => {
        const checked = check(value);
        return isPromiseLike(checked) ? from(checked) : of(checked);
      }),
    );
  }
  if (isPromiseLike(result)) return Promise.resolve(result).then(check);
  return check(result);
}

function resultValue(r: StandardSchemaV1.Result<unknown>, method: string): unknown {
  if (r.issues) throw new ResultError(`rxzmq: ${method}(): invalid result: ${describeIssues(r.issues)}`, { method, issues: r.issues });
  return r.value;
}

/** The validator's messages, each with its path when it has one. */
function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path?.map((seg) => String(typeof seg === 'object' && seg !== null ? seg.key : seg)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
