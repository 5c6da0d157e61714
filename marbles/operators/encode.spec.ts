import { catchError, throwError, type Observable } from 'rxjs';
import { jsonCodec, msgpackCodec, utf8Codec, type Codec } from '../../src/operators/codec';
import { decode } from '../../src/operators/decode';
import { encode, EncodeError } from '../../src/operators/encode';
import { described, testScheduler } from '../helpers';

/** Replaces the error of `source` with its `name: message`, so diagrams compare both. */
const withErrorDescribed = <T>(source: Observable<T>): Observable<T> =>
  source.pipe(catchError((err: unknown) => throwError(() => described(err))));

describe('encode', () => {
  it('encode - maps each value to one msgpack frame by default', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--b--c--|', { a: { id: 1 }, b: [1, 'two'], c: null });
      const subs = '       ^----------!';
      const expected = '   --A--B--C--|';
      expectObservable(source.pipe(encode())).toBe(expected, {
        A: Buffer.from([0x81, 0xa2, 0x69, 0x64, 0x01]), // fixmap(1) "id" 1
        B: Buffer.from([0x92, 0x01, 0xa3, 0x74, 0x77, 0x6f]), // fixarray(2) 1 "two"
        C: Buffer.from([0xc0]), // nil
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('encode - errors the output with EncodeError when the codec refuses a value', () => {
    let caught: unknown;
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--u--c--|', { a: 'x', u: undefined, c: 'z' });
      const subs = '       ^----!';
      const expected = '   --A--#';
      const encoded = source.pipe(encode(jsonCodec()));
      encoded.subscribe({ error: (err: unknown) => (caught = err) });
      expectObservable(withErrorDescribed(encoded)).toBe(
        expected,
        { A: Buffer.from('"x"') },
        'EncodeError: rxzmq: json codec could not encode a value: jsonCodec: undefined has no JSON representation',
      );
      expectSubscriptions(source.subscriptions).toBe([subs, subs]);
    });
    expect(caught).toBeInstanceOf(EncodeError);
    expect(caught).toMatchObject({ codec: 'json', value: undefined, cause: expect.any(TypeError) });
  });

  it('encode - passes the source error and completion through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const failing = cold('   -a-#', { a: 'x' }, new Error('socket gone'));
      const completing = cold('-a-|', { a: 'x' });
      const failed = '         -A-#';
      const completed = '      -A-|';
      const values = { A: Buffer.from('x') };
      expectObservable(withErrorDescribed(failing.pipe(encode(utf8Codec())))).toBe(failed, values, 'Error: socket gone');
      expectObservable(completing.pipe(encode(utf8Codec()))).toBe(completed, values);
    });
  });

  it('encode - unsubscribing the output unsubscribes the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--c--d--|', { a: 'a', b: 'b', c: 'c', d: 'd' });
      const subs = '      ^-------!';
      const expected = '  --A--B---';
      expectObservable(source.pipe(encode(utf8Codec())), subs).toBe(expected, {
        A: Buffer.from('a'),
        B: Buffer.from('b'),
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  const roundTrips: [string, () => Codec, Record<string, unknown>][] = [
    [
      'msgpack',
      () => msgpackCodec(),
      {
        a: { id: 7, tags: ['x', 'y'], nested: { ok: true, ratio: 0.5 } },
        b: [null, -1, 2 ** 40, 'é'],
        // bin decodes as a view into the frame, a Buffer here since frames are Buffers
        c: { bytes: Buffer.from([0, 1, 255]), at: new Date(1_700_000_000_000) },
      },
    ],
    ['json', () => jsonCodec(), { a: { id: 7, list: [1, { deep: ['z'] }] }, b: 'plain', c: [true, null, 1.25] }],
    ['utf8', () => utf8Codec(), { a: 'héllo', b: '', c: 'π ≈ 3.14 👋' }],
  ];

  it.each(roundTrips)('encode - %s values survive encode then decode', (_name, makeCodec, values) => {
    testScheduler().run(({ cold, expectObservable }) => {
      const codec = makeCodec();
      const source = cold('-a-b-c-|', values);
      const expected = '   -a-b-c-|';
      expectObservable(source.pipe(encode(codec), decode(codec))).toBe(expected, values);
    });
  });
});
