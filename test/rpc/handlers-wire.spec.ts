/**
 * Handlers and values across the wire: a class with @remote methods, a
 * resolver, Standard Schema validation, and a translation table.
 *
 *   connectRpc (DEALER) ===tcp===> serveRpc (ROUTER) -> handler
 */
import { Context } from '../../src';
import {
  connectRpc,
  method,
  NotFoundError,
  ParameterError,
  remote,
  ResultError,
  serveRpc,
  type StandardSchemaV1,
  type TranslationTable,
} from '../../src/rpc';

/** A tiny Standard Schema validator: a predicate and the message it gives. */
function schema<T>(check: (value: unknown) => boolean, message: string): StandardSchemaV1<T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value: unknown) => (check(value) ? { value: value as T } : { issues: [{ message }] }),
    },
  };
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const points: TranslationTable = {
  1: {
    Class: Point,
    pack: (p: Point) => new Uint8Array(new Float64Array([p.x, p.y]).buffer),
    unpack: (data: Uint8Array) => {
      const [x, y] = new Float64Array(Uint8Array.from(data).buffer);
      return new Point(x!, y!);
    },
  },
};

class Counter {
  private count = 0;
  @remote()
  increment(by: number): number {
    this.count += by;
    return this.count;
  }
  reset(): void {
    this.count = 0;
  }
}

describe('RPC handlers over the wire', () => {
  let context: Context;
  beforeEach(() => (context = new Context()));
  afterEach(() => context.close());

  async function pair(handler: Parameters<typeof serveRpc>[0], table?: TranslationTable) {
    const service = await serveRpc(handler, { bind: 'tcp://127.0.0.1:*', linger: 0, context, translationTable: table });
    const client = await connectRpc({ connect: service.endpoints[0]!, linger: 0, context, timeout: 2000, translationTable: table });
    return client.call as unknown as Record<string, (...args: unknown[]) => Promise<unknown>> & {
      counter: Record<string, (...args: unknown[]) => Promise<unknown>>;
    };
  }

  it('handlers - a class instance exposes its @remote methods only, with its state', async () => {
    const call = await pair({ counter: new Counter() });
    expect(await call.counter.increment!(2)).toBe(2);
    expect(await call.counter.increment!(3)).toBe(5);
    await expect(call.counter.reset!()).rejects.toThrow(NotFoundError);
  });

  it('handlers - a resolver finds methods by their full dotted name', async () => {
    const plugins = new Map<string, (...args: number[]) => number>([['plugins.double', (x) => x * 2]]);
    const service = await serveRpc((name: string) => plugins.get(name), { bind: 'tcp://127.0.0.1:*', linger: 0, context });
    const client = await connectRpc({ connect: service.endpoints[0]!, linger: 0, context });
    const call = client.call as unknown as { plugins: Record<string, (x: number) => Promise<number>> };
    expect(await call.plugins.double!(21)).toBe(42);
    plugins.set('plugins.triple', (x) => x * 3);
    expect(await call.plugins.triple!(3)).toBe(9);
    await expect(call.plugins.half!(4)).rejects.toThrow(NotFoundError);
  });

  it('handlers - argument and result schemas give ParameterError and ResultError with the validator message', async () => {
    const call = await pair({
      sqrt: method((x: number) => Math.sqrt(x), {
        args: schema<[number]>((a) => Array.isArray(a) && typeof a[0] === 'number' && a[0] >= 0, 'x must be a number >= 0'),
      }),
      answer: method((x: number) => x, { result: schema<number>((r) => r === 42, 'the answer is 42') }),
    });
    expect(await call.sqrt!(9)).toBe(3);
    const bad = await call.sqrt!(-1).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ParameterError);
    expect((bad as Error).message).toContain('x must be a number >= 0');
    expect(await call.answer!(42)).toBe(42);
    const wrong = await call.answer!(41).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ResultError);
    expect((wrong as Error).message).toContain('the answer is 42');
  });

  it('values - custom classes travel through the translation table both ways', async () => {
    const call = await pair({ mirror: (p: Point) => new Point(-p.x, -p.y) }, points);
    const back = await call.mirror!(new Point(1.5, -2));
    expect(back).toBeInstanceOf(Point);
    expect(back).toEqual(new Point(-1.5, 2));
  });
});
