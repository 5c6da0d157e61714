import type { Observable } from 'rxjs';
import type { Kwargs } from './kwargs';

/** Any function, as a remote API declares its methods. */
type AnyFunction = (...args: any[]) => unknown;

/**
 * A method's arguments: its parameters, or (keyword style) any leading
 * positional arguments followed by a `kwargs(...)` marker.
 */
type CallArgs<F extends AnyFunction> = Parameters<F> | [...unknown[], Kwargs];

/** What a call resolves with: the awaited value, or an Observable result's last value. */
type CallValue<R> = R extends Observable<infer T> ? T | undefined : Awaited<R>;
/** What a stream emits: an Observable result's values, or the single value. */
type StreamValue<R> = R extends Observable<infer T> ? T : Awaited<R>;

/** What a remote method becomes on each face of a client: a call's Promise, a stream, a notification's Promise. */
type Face = 'call' | 'stream' | 'notify';
type FaceResult<F extends Face, R> = F extends 'call'
  ? Promise<CallValue<R>>
  : F extends 'stream'
    ? Observable<StreamValue<R>>
    : Promise<void>;

/** The remote API as one face sees it; namespaces (nested objects) stay nested. */
type RemoteApi<Api, F extends Face> = {
  readonly [K in keyof Api]: Api[K] extends AnyFunction
    ? (...args: CallArgs<Api[K]>) => FaceResult<F, ReturnType<Api[K]>>
    : Api[K] extends object
      ? RemoteApi<Api[K], F>
      : never;
};

/** `client.call`: the remote API with each method returning a Promise. A `kwargs(...)` marker may follow the positional arguments. */
export type CallApi<Api> = RemoteApi<Api, 'call'>;

/** `client.stream`: the remote API with each method returning an Observable of its results. */
export type StreamApi<Api> = RemoteApi<Api, 'stream'>;

/** `client.notify` / `client.publish(topic)`: the remote API with each method resolving once sent. */
export type NotifyApi<Api> = RemoteApi<Api, 'notify'>;

/** An API of unknown shape: any dotted path is callable. */
export interface UntypedApi {
  readonly [name: string]: UntypedApi & ((...args: unknown[]) => unknown);
}

const MAX_CACHED_NAMES = 1024;

/**
 * A Proxy that turns `proxy.a.b.c(...args)` into `invoke('a.b.c', args)`.
 * Property names that a Promise or console would probe (`then`, symbols)
 * are not calls, so a proxy can be returned from an async function.
 */
export function methodProxy<T>(invoke: (method: string, args: unknown[]) => unknown, path = ''): T {
  const target = function remoteMethod(): void {};
  // `client.call.add` is looked up on every call: keep each name's proxy (up to a bound, for names made up at run time).
  const children = new Map<string, unknown>();
  return new Proxy(target, {
    get(_, key) {
      if (typeof key === 'symbol' || key === 'then') return undefined;
      let child = children.get(key);
      if (child === undefined) {
        child = methodProxy(invoke, path ? `${path}.${key}` : key);
        if (children.size < MAX_CACHED_NAMES) children.set(key, child);
      }
      return child;
    },
    apply(_, __, args: unknown[]) {
      if (!path) throw new TypeError('rxzmq: name a remote method, e.g. client.call.add(1, 2)');
      return invoke(path, args);
    },
  }) as T;
}
