/**
 * The dispatcher without sockets: what a handler exposes (and what it never
 * does), keyword binding, the AbortSignal argument, argument and result
 * schemas.
 */
import { firstValueFrom, isObservable, Observable, of, toArray } from 'rxjs';
import { createDispatcher, type Handler } from '../../src/rpc/dispatch';
import { NotFoundError, ParameterError, ResultError } from '../../src/rpc/errors';
import { expose, method, remote } from '../../src/rpc/method';
import type { StandardSchemaV1 } from '../../src/rpc/standard-schema';
import type { CallResult } from '../../src/rpc/types';

const signal = new AbortController().signal;

/** Invokes `name` on `handler` with positional and keyword arguments. */
function invoke(handler: Handler, name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): CallResult {
  return createDispatcher(handler).invoke({ method: name, args, kwargs, signal });
}

/** What `invoke` throws synchronously (fails the test if it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

/** A tiny Standard Schema validator, answering synchronously or with a Promise. */
function fakeSchema(check: (value: unknown) => StandardSchemaV1.Result<unknown>, mode: 'sync' | 'async' = 'sync'): StandardSchemaV1 {
  return {
    '~standard': {
      version: 1,
      vendor: 'fake',
      validate: (value) => (mode === 'sync' ? check(value) : Promise.resolve().then(() => check(value))),
    },
  };
}

/** An array of numbers; strings of digits are turned into numbers (a transforming schema). */
const numbers = (value: unknown): StandardSchemaV1.Result<unknown> => {
  if (!Array.isArray(value)) return { issues: [{ message: 'expected an array' }] };
  const issues: StandardSchemaV1.Issue[] = [];
  const out = value.map((x, i) => {
    if (typeof x === 'number') return x;
    if (typeof x === 'string' && /^\d+$/.test(x)) return Number(x);
    issues.push({ message: 'expected a number', path: [{ key: i }] });
    return x;
  });
  return issues.length > 0 ? { issues } : { value: out };
};

/** A non-negative number, doubled (a transforming result schema). */
const nonNegative = (value: unknown): StandardSchemaV1.Result<unknown> =>
  typeof value === 'number' && value >= 0 ? { value: value * 2 } : { issues: [{ message: `${String(value)} is negative` }] };

describe('dispatch', () => {
  describe('plain objects', () => {
    it('plain object - own functions are methods, called with the namespace as this', () => {
      const handler = {
        factor: 3,
        mul(x: number) {
          return x * this.factor;
        },
      };
      expect(invoke(handler, 'mul', [2])).toBe(6);
    });

    it('plain object - nested plain objects are namespaces, to any depth', () => {
      const handler = { a: { b: { c: { d: { deep: (x: number) => x + 1 } } } }, math: { neg: (x: number) => -x } };
      expect(invoke(handler, 'a.b.c.d.deep', [1])).toBe(2);
      expect(invoke(handler, 'math.neg', [4])).toBe(-4);
    });

    it('plain object - null-prototype objects are plain objects too', () => {
      const ns = Object.assign(Object.create(null) as Record<string, unknown>, { ping: () => 'pong' });
      expect(invoke({ ns }, 'ns.ping')).toBe('pong');
      expect(invoke(ns, 'ping')).toBe('pong');
    });

    it('plain object - a class instance inside a plain object exposes only its marked methods', () => {
      class Counter {
        count = 0;
        @remote()
        inc(): number {
          return ++this.count;
        }
        reset(): void {
          this.count = 0;
        }
      }
      const handler = { counter: new Counter() };
      expect(invoke(handler, 'counter.inc')).toBe(1);
      expect(thrown(() => invoke(handler, 'counter.reset'))).toBeInstanceOf(NotFoundError);
      expect(thrown(() => invoke(handler, 'counter.count'))).toBeInstanceOf(NotFoundError);
    });

    it('plain object - the method\'s own error is thrown as is', () => {
      const boom = new RangeError('too big');
      const err = thrown(() =>
        invoke(
          {
            fail: () => {
              throw boom;
            },
          },
          'fail',
        ),
      );
      expect(err).toBe(boom);
    });

    it('plain object - NotFoundError carries the full name', () => {
      const err = thrown(() => invoke({ a: {} }, 'a.missing'));
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).method).toBe('a.missing');
      expect(err.message).toBe("rxzmq: no remote method 'a.missing'");
    });
  });

  describe('hostile names', () => {
    let getterRuns = 0;
    const fn = () => 'fn';
    const handler: Record<string, unknown> = {
      fn,
      value: 42,
      text: 'str',
      list: [() => 'x'],
      a: {
        fn,
        value: 1,
        get getter(): () => string {
          getterRuns++;
          throw new Error('a getter ran');
        },
      },
      toString: () => 'own toString',
      valueOf: () => 1,
      get getter(): () => string {
        getterRuns++;
        throw new Error('a getter ran');
      },
      set setterOnly(_v: unknown) {
        getterRuns++;
      },
    };
    Object.defineProperty(handler, '__proto__', { value: fn, enumerable: true });
    Object.defineProperty(handler, 'constructor', { value: fn, enumerable: true });
    Object.defineProperty(handler, 'hidden', { value: fn, enumerable: false });

    afterEach(() => expect(getterRuns).toBe(0));

    it.each([
      'constructor',
      '__proto__',
      'prototype',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      '__defineGetter__',
      '__defineSetter__',
      '__lookupGetter__',
      '__lookupSetter__',
      'a.constructor',
      'a.__proto__',
      'a.__proto__.x',
      'a.toString',
      'a.hasOwnProperty',
      'fn.call',
      'fn.apply',
      'fn.bind',
      'fn.name',
      'fn.length',
      'fn.prototype',
      'fn.constructor',
      'getter',
      'a.getter',
      'getter.x',
      'setterOnly',
      'value',
      'a.value',
      'text',
      'text.length',
      'text.toUpperCase',
      'list',
      'list.0',
      'list.push',
      'Symbol(Symbol.iterator)',
      'Symbol.iterator',
      '@@iterator',
      'missing',
      'a.missing',
      'missing.fn',
      '',
      '.',
      '..',
      'a..fn',
      '.fn',
      'fn.',
      'a.fn.',
    ])('hostile names - %j gives NotFoundError', (name) => {
      const err = thrown(() => invoke(handler, name));
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).method).toBe(name);
    });

    it('hostile names - a non-enumerable own function is still an own method', () => {
      expect(invoke(handler, 'hidden')).toBe('fn');
      expect(invoke(handler, 'a.fn')).toBe('fn');
    });

    it('hostile names - a name that is not a string gives NotFoundError', () => {
      const dispatcher = createDispatcher(handler);
      const err = thrown(() => dispatcher.invoke({ method: 42 as unknown as string, args: [], kwargs: {}, signal }));
      expect(err).toBeInstanceOf(NotFoundError);
    });

    it('hostile names - class instances expose nothing of Object or of their class machinery', () => {
      class Service {
        @remote()
        ping(): string {
          return 'pong';
        }
      }
      const service = new Service();
      for (const name of ['constructor', 'constructor.name', '__proto__', '__proto__.ping', 'prototype', 'toString', 'hasOwnProperty']) {
        expect(thrown(() => invoke(service, name))).toBeInstanceOf(NotFoundError);
      }
      expect(invoke(service, 'ping')).toBe('pong');
    });

    it('hostile names - built-in objects as namespaces expose nothing', () => {
      const builtins = { map: new Map([['k', 'v']]), date: new Date(0), promise: Promise.resolve(1), re: /x/ };
      for (const name of ['map.get', 'map.set', 'date.getTime', 'promise.then', 're.exec', 're.test']) {
        expect(thrown(() => invoke(builtins, name))).toBeInstanceOf(NotFoundError);
      }
    });
  });

  describe('class instances', () => {
    class Base {
      protected readonly greeting: string = 'hello';
      @remote()
      greet(name: string): string {
        return `${this.greeting} ${name}`;
      }
      @remote()
      version(): number {
        return 1;
      }
      @remote()
      shadowed(): string {
        return 'base';
      }
      helper(): string {
        return 'not remote';
      }
    }

    class Derived extends Base {
      own = method(() => 'marked own property');
      plain = () => 'unmarked own property';
      @remote({ params: ['a', 'b'] })
      add(a: number, b: number): number {
        return a + b;
      }
      override version(): number {
        return 2; // overridden without @remote: not reachable
      }
      @remote()
      override shadowed(): string {
        return 'derived';
      }
      get prop(): () => string {
        throw new Error('a getter ran');
      }
    }

    it('class instance - marked methods are reachable, with the instance as this', () => {
      expect(invoke(new Base(), 'greet', ['Ann'])).toBe('hello Ann');
    });

    it('class instance - unmarked methods are not', () => {
      expect(thrown(() => invoke(new Base(), 'helper'))).toBeInstanceOf(NotFoundError);
    });

    it('class instance - a marked method inherited from a base class is reachable', () => {
      expect(invoke(new Derived(), 'greet', ['Bo'])).toBe('hello Bo');
    });

    it('class instance - an override must be marked again; a marked override wins', () => {
      expect(thrown(() => invoke(new Derived(), 'version'))).toBeInstanceOf(NotFoundError);
      expect(invoke(new Derived(), 'shadowed')).toBe('derived');
    });

    it('class instance - the decorator spec applies (keyword arguments)', () => {
      expect(invoke(new Derived(), 'add', [1], { b: 2 })).toBe(3);
    });

    it('class instance - own properties count only when marked; getters never run', () => {
      const d = new Derived();
      expect(invoke(d, 'own')).toBe('marked own property');
      expect(thrown(() => invoke(d, 'plain'))).toBeInstanceOf(NotFoundError);
      expect(thrown(() => invoke(d, 'prop'))).toBeInstanceOf(NotFoundError);
      expect(thrown(() => invoke(d, 'greeting'))).toBeInstanceOf(NotFoundError);
    });

    it('class instance - an unmarked own property shadowing a marked method hides it', () => {
      const b = new Base();
      Object.defineProperty(b, 'greet', { value: () => 'impostor' });
      expect(thrown(() => invoke(b, 'greet', ['x']))).toBeInstanceOf(NotFoundError);
    });

    it('class instance - plain objects held by an instance are not namespaces', () => {
      class Holder {
        ns = { fn: () => 'x' };
      }
      expect(thrown(() => invoke(new Holder(), 'ns.fn'))).toBeInstanceOf(NotFoundError);
    });

    it('class instance - @remote() refuses static and private methods and malformed specs when the class is defined', () => {
      expect(() => {
        class Static {
          @remote()
          static s(): void {}
        }
        return Static;
      }).toThrow(TypeError);
      expect(() => {
        class Private {
          @remote()
          #p(): void {}
          use(): void {
            this.#p();
          }
        }
        return Private;
      }).toThrow(TypeError);
      expect(() => remote({ params: ['a?', 'b'] })).toThrow(TypeError);
    });
  });

  describe('expose', () => {
    class Store {
      private readonly data = new Map<string, string>();
      put(key: string, value: string): void {
        this.data.set(key, value);
      }
      get(key: string): string | undefined {
        return this.data.get(key);
      }
      clear(): void {
        this.data.clear();
      }
      get size(): number {
        return this.data.size;
      }
    }

    it('expose - only the named methods, bound to the instance', () => {
      const store = new Store();
      const handler = expose(store, ['put', 'get']);
      invoke(handler, 'put', ['k', 'v']);
      expect(invoke(handler, 'get', ['k'])).toBe('v');
      expect(thrown(() => invoke(handler, 'clear'))).toBeInstanceOf(NotFoundError);
      expect(Object.keys(handler).sort()).toEqual(['get', 'put']);
    });

    it('expose - names with specs give keyword arguments', () => {
      const store = new Store();
      const handler = expose(store, { put: { params: ['key', 'value'] }, get: { params: ['key'] } });
      invoke(handler, 'put', [], { value: 'v', key: 'k' });
      expect(invoke(handler, 'get', [], { key: 'k' })).toBe('v');
    });

    it('expose - works on built-in objects', () => {
      const handler = { cache: expose(new Map([['k', 1]]), ['get', 'has']) };
      expect(invoke(handler, 'cache.get', ['k'])).toBe(1);
      expect(invoke(handler, 'cache.has', ['x'])).toBe(false);
      expect(thrown(() => invoke(handler, 'cache.set', ['x', 2]))).toBeInstanceOf(NotFoundError);
    });

    it('expose - keeps the spec of an already marked method', () => {
      class Calc {
        @remote({ params: ['a', 'b'] })
        sub(a: number, b: number): number {
          return a - b;
        }
      }
      expect(invoke(expose(new Calc(), ['sub']), 'sub', [], { b: 1, a: 3 })).toBe(2);
    });

    it('expose - refuses names that are not methods, accessors and never-reachable names', () => {
      const store = new Store() as unknown as Record<string, unknown>;
      const ex = expose as (o: object, n: readonly string[]) => object;
      for (const name of ['nope', 'size', 'data', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
        expect(() => ex(store, [name])).toThrow(TypeError);
      }
    });
  });

  describe('resolver', () => {
    it('resolver - gets the full dotted name and its function is called', () => {
      const seen: string[] = [];
      const resolver = (name: string) => {
        seen.push(name);
        return name === 'math.twice' ? (x: number) => x * 2 : undefined;
      };
      expect(invoke(resolver, 'math.twice', [4])).toBe(8);
      expect(seen).toEqual(['math.twice']);
    });

    it('resolver - undefined or a non-function gives NotFoundError', () => {
      expect(thrown(() => invoke(() => undefined, 'x'))).toBeInstanceOf(NotFoundError);
      expect(thrown(() => invoke((() => 42) as unknown as Handler, 'x'))).toBeInstanceOf(NotFoundError);
    });

    it('resolver - a method()-marked function keeps its spec', () => {
      const add = method((a: number, b: number) => a + b, { params: ['a', 'b'] });
      expect(invoke(() => add, 'add', [1], { b: 5 })).toBe(6);
    });

    it('resolver - an unmarked function takes no keyword arguments', () => {
      expect(thrown(() => invoke(() => (a: number) => a, 'f', [], { a: 1 }))).toBeInstanceOf(ParameterError);
    });

    it('resolver - malformed and never-reachable names do not reach it', () => {
      const resolver = jest.fn(() => () => 'x');
      for (const name of ['', '.', 'a..b', 'constructor', 'a.__proto__', 'toString']) {
        expect(thrown(() => invoke(resolver, name))).toBeInstanceOf(NotFoundError);
      }
      expect(resolver).not.toHaveBeenCalled();
    });
  });

  describe('arguments', () => {
    const pair = method((...xs: unknown[]) => xs, { params: ['a', 'b'] });
    const optional = method((...xs: unknown[]) => xs, { params: ['a', 'b?', 'c?'] });
    const rest = method((...xs: unknown[]) => xs, { params: ['a', '...more'] });
    const free = (...xs: unknown[]) => xs;
    const handler = { pair, optional, rest, free };

    it.each<[string, unknown[], Record<string, unknown>, unknown[]]>([
      ['pair', [1, 2], {}, [1, 2]],
      ['pair', [1], { b: 2 }, [1, 2]],
      ['pair', [], { a: 1, b: 2 }, [1, 2]],
      ['pair', [], { b: 2, a: 1 }, [1, 2]],
      ['pair', [undefined], { b: null }, [undefined, null]],
      ['optional', [1], {}, [1]],
      ['optional', [1, 2], {}, [1, 2]],
      ['optional', [1], { c: 3 }, [1, undefined, 3]],
      ['optional', [], { a: 1, b: 2 }, [1, 2]],
      ['rest', [1, 2, 3], {}, [1, 2, 3]],
      ['rest', [], { a: 1 }, [1]],
      ['free', [1, 2], {}, [1, 2]],
      ['free', [], {}, []],
    ])('arguments - %s(%j, %j) receives %j', (name, args, kwargs, expected) => {
      expect(invoke(handler, name, args, kwargs)).toEqual(expected);
    });

    it.each<[string, unknown[], Record<string, unknown>, string]>([
      ['pair', [1], {}, "pair() missing 1 required argument: 'b'"],
      ['pair', [], {}, "pair() missing 2 required arguments: 'a', 'b'"],
      ['pair', [1, 2, 3], {}, 'pair() takes 2 positional arguments but 3 were given'],
      ['pair', [1], { c: 3 }, "pair() got an unexpected keyword argument 'c'"],
      ['pair', [1], { a: 1 }, "pair() got multiple values for argument 'a'"],
      ['pair', [1, 2], { __proto__x: 1 }, "unexpected keyword argument '__proto__x'"],
      ['optional', [1, 2, 3, 4], {}, 'optional() takes from 1 to 3 positional arguments but 4 were given'],
      ['optional', [], { b: 2 }, "optional() missing 1 required argument: 'a'"],
      ['rest', [1], { more: [2] }, "rest() got an unexpected keyword argument 'more'"],
      ['free', [1], { b: 2 }, "free() takes no keyword arguments (got 'b')"],
    ])('arguments - %s(%j, %j) gives ParameterError %j', (name, args, kwargs, message) => {
      const err = thrown(() => invoke(handler, name, args, kwargs));
      expect(err).toBeInstanceOf(ParameterError);
      expect(err.message).toContain(message);
      expect((err as ParameterError).method).toBe(name);
    });

    it('arguments - a keyword named __proto__ is an unexpected keyword, not a prototype', () => {
      const kwargs = JSON.parse('{"__proto__": 1}') as Record<string, unknown>;
      const err = thrown(() => invoke(handler, 'pair', [1, 2], kwargs));
      expect(err).toBeInstanceOf(ParameterError);
      expect(err.message).toContain("'__proto__'");
    });

    it('arguments - optional parameters left out get their JavaScript defaults', () => {
      const greet = method((name: string, greeting = 'Hello', mark = '!') => `${greeting}, ${name}${mark}`, {
        params: ['name', 'greeting?', 'mark?'],
      });
      expect(invoke({ greet }, 'greet', ['Ann'])).toBe('Hello, Ann!');
      expect(invoke({ greet }, 'greet', ['Ann'], { mark: '?' })).toBe('Hello, Ann?');
    });

    it.each<[string[], string]>([
      [['a?', 'b'], 'required after optional'],
      [['...r', 'a'], 'rest not last'],
      [['a', 'a'], 'duplicate'],
      [['a', '...a'], 'duplicate rest'],
      [[''], 'empty'],
      [['?'], 'empty optional'],
      [['...'], 'empty rest'],
      [['a.b'], 'dotted'],
    ])('arguments - params %j are refused with TypeError (%s)', (params) => {
      expect(() => method(() => 0, { params })).toThrow(TypeError);
    });

    it('arguments - method() refuses a non-function and non-schemas', () => {
      expect(() => method('x' as unknown as () => void)).toThrow(TypeError);
      expect(() => method(() => 0, { args: {} as StandardSchemaV1 })).toThrow(TypeError);
      expect(() => method(() => 0, { result: { '~standard': {} } as StandardSchemaV1 })).toThrow(TypeError);
    });

    it('arguments - method() returns the same function and adds no property', () => {
      const fn = (a: number) => a;
      expect(method(fn, { params: ['a'] })).toBe(fn);
      expect(Reflect.ownKeys(fn).sort()).toEqual(['length', 'name']);
    });
  });

  describe('signal', () => {
    it('signal - signal: true passes the call\'s signal as the last argument', () => {
      const controller = new AbortController();
      const fn = method((...xs: unknown[]) => xs, { signal: true });
      const got = createDispatcher({ fn }).invoke({ method: 'fn', args: [1, 2], kwargs: {}, signal: controller.signal });
      expect(got).toEqual([1, 2, controller.signal]);
    });

    it('signal - with params it comes right after the declared parameters', () => {
      const fn = method((...xs: unknown[]) => xs, { params: ['a', 'b?'], signal: true });
      expect(invoke({ fn }, 'fn', [1])).toEqual([1, undefined, signal]);
      expect(invoke({ fn }, 'fn', [], { a: 1, b: 2 })).toEqual([1, 2, signal]);
    });

    it('signal - with a rest parameter it is the last of the rest', () => {
      const fn = method((...xs: unknown[]) => xs, { params: ['a', '...more'], signal: true });
      expect(invoke({ fn }, 'fn', [1, 2, 3])).toEqual([1, 2, 3, signal]);
    });

    it('signal - without signal: true nothing is added', () => {
      const fn = method((...xs: unknown[]) => xs, { params: ['a'] });
      expect(invoke({ fn }, 'fn', [1])).toEqual([1]);
    });
  });

  describe('schemas', () => {
    const sum = (...xs: number[]) => xs.reduce((s, x) => s + x, 0);

    it('schemas - a sync args schema passes its (transformed) output to the method', () => {
      const fn = method(sum, { args: fakeSchema(numbers) });
      expect(invoke({ fn }, 'fn', [1, '2', 3])).toBe(6);
    });

    it('schemas - a sync args schema rejection is a ParameterError, thrown synchronously, with the issues', () => {
      const fn = jest.fn(sum);
      const handler = { fn: method(fn, { args: fakeSchema(numbers) }) };
      const err = thrown(() => invoke(handler, 'fn', [1, 'x', {}]));
      expect(err).toBeInstanceOf(ParameterError);
      expect(err.message).toContain('1: expected a number; 2: expected a number');
      expect((err as ParameterError).issues).toHaveLength(2);
      expect(fn).not.toHaveBeenCalled();
    });

    it('schemas - the args schema sees the positional list after keywords are bound', () => {
      const seen: unknown[] = [];
      const args = fakeSchema((value) => {
        seen.push(value);
        return numbers(value);
      });
      const fn = method((a: number, b: number) => a - b, { params: ['a', 'b'], args });
      expect(invoke({ fn }, 'fn', [], { b: '1', a: 5 })).toBe(4);
      expect(seen).toEqual([[5, '1']]);
    });

    it('schemas - keyword binding errors come before the args schema', () => {
      const fn = method((a: number) => a, { params: ['a'], args: fakeSchema(numbers) });
      expect(thrown(() => invoke({ fn }, 'fn', [], { z: 1 })).message).toContain("unexpected keyword argument 'z'");
    });

    it('schemas - an args schema that produces no array is a TypeError', () => {
      const fn = method(sum, { args: fakeSchema(() => ({ value: 'nope' })) });
      expect(thrown(() => invoke({ fn }, 'fn', [1]))).toBeInstanceOf(TypeError);
    });

    it('schemas - an async args schema gives a cold Observable: the method runs on subscription', async () => {
      const fn = jest.fn(sum);
      const result = invoke({ fn: method(fn, { args: fakeSchema(numbers, 'async') }) }, 'fn', ['4', 5]);
      expect(isObservable(result)).toBe(true);
      await Promise.resolve();
      expect(fn).not.toHaveBeenCalled();
      expect(await firstValueFrom(result as Observable<unknown>)).toBe(9);
      expect(fn).toHaveBeenCalledWith(4, 5);
    });

    it('schemas - an async args schema rejection errors the Observable with ParameterError', async () => {
      const fn = jest.fn(sum);
      const result = invoke({ fn: method(fn, { args: fakeSchema(numbers, 'async') }) }, 'fn', ['x']);
      await expect(firstValueFrom(result as Observable<unknown>)).rejects.toBeInstanceOf(ParameterError);
      expect(fn).not.toHaveBeenCalled();
    });

    it('schemas - an async args schema keeps a stream method streaming', async () => {
      const ticks = method((n: number) => of(...Array.from({ length: n }, (_, i) => i)), { args: fakeSchema(numbers, 'async') });
      const result = invoke({ ticks }, 'ticks', ['3']) as Observable<unknown>;
      expect(await firstValueFrom(result.pipe(toArray()))).toEqual([0, 1, 2]);
    });

    it('schemas - a sync result schema checks (and transforms) a plain value', () => {
      const fn = method((x: number) => x, { result: fakeSchema(nonNegative) });
      expect(invoke({ fn }, 'fn', [3])).toBe(6);
      const err = thrown(() => invoke({ fn }, 'fn', [-1]));
      expect(err).toBeInstanceOf(ResultError);
      expect(err.message).toContain('-1 is negative');
      expect((err as ResultError).method).toBe('fn');
    });

    it('schemas - a Promise result is checked once it resolves', async () => {
      const fn = method(async (x: number) => x, { result: fakeSchema(nonNegative) });
      await expect(invoke({ fn }, 'fn', [2])).resolves.toBe(4);
      await expect(invoke({ fn }, 'fn', [-2])).rejects.toBeInstanceOf(ResultError);
    });

    it('schemas - every value of an Observable result is checked', async () => {
      const fn = method((...xs: number[]) => of(...xs), { result: fakeSchema(nonNegative) });
      const ok = invoke({ fn }, 'fn', [1, 2, 3]) as Observable<unknown>;
      expect(await firstValueFrom(ok.pipe(toArray()))).toEqual([2, 4, 6]);
      const seen: unknown[] = [];
      const bad = invoke({ fn }, 'fn', [1, 2, -3, 4]) as Observable<unknown>;
      const err = await new Promise((resolve) => bad.subscribe({ next: (v) => seen.push(v), error: resolve }));
      expect(seen).toEqual([2, 4]);
      expect(err).toBeInstanceOf(ResultError);
    });

    it('schemas - an async result schema gives a Promise for a value and keeps an Observable in order', async () => {
      const one = method((x: number) => x, { result: fakeSchema(nonNegative, 'async') });
      const got = invoke({ one }, 'one', [5]);
      expect(got).toBeInstanceOf(Promise);
      await expect(got).resolves.toBe(10);
      await expect(invoke({ one }, 'one', [-5])).rejects.toBeInstanceOf(ResultError);
      const many = method((...xs: number[]) => of(...xs), { result: fakeSchema(nonNegative, 'async') });
      const stream = invoke({ many }, 'many', [3, 1, 2]) as Observable<unknown>;
      expect(await firstValueFrom(stream.pipe(toArray()))).toEqual([6, 2, 4]);
    });

    it('schemas - args and result schemas together, with keywords and the signal', () => {
      const fn = method((a: number, b: number, s: AbortSignal) => (s === signal ? a + b : -1), {
        params: ['a', 'b'],
        args: fakeSchema(numbers),
        result: fakeSchema(nonNegative),
        signal: true,
      });
      expect(invoke({ fn }, 'fn', ['1'], { b: 2 })).toBe(6);
    });
  });

  describe('createDispatcher', () => {
    it('createDispatcher - refuses a handler that is not an object or a function', () => {
      for (const bad of [null, undefined, 42, 'str']) {
        expect(() => createDispatcher(bad as unknown as Handler)).toThrow(TypeError);
      }
    });

    it('createDispatcher - sees methods added to a plain handler later', () => {
      const handler: Record<string, unknown> = {};
      const dispatcher = createDispatcher(handler);
      handler.late = () => 'late';
      expect(dispatcher.invoke({ method: 'late', args: [], kwargs: {}, signal })).toBe('late');
    });
  });
});
