/**
 * RPC errors and their wire form: toWireError on the server,
 * fromWireError on the client, and the round trip between them.
 */
import { ZmqError } from '../../src/observables/errors';
import {
  fromWireError,
  GenericError,
  NotFoundError,
  ParameterError,
  ResultError,
  RpcError,
  RpcTimeoutError,
  ServiceClosedError,
  toWireError,
  ValueError,
  type ErrorTable,
} from '../../src/rpc/errors';
import type { WireError } from '../../src/rpc/types';

/** Server to client, as the protocols do it. */
const roundTrip = (err: unknown, table?: ErrorTable, exposeStack = false): Error =>
  fromWireError(toWireError(err, { exposeStack }), table);

class InsufficientFunds extends Error {
  override name = 'InsufficientFunds';
  readonly args: readonly unknown[];
  constructor(readonly amount: number, readonly account = 'main') {
    super(`insufficient funds: ${amount} on ${account}`);
    this.args = [amount, account];
  }
}

describe('errors', () => {
  describe('classes', () => {
    it('classes - every RPC error is an RpcError and a ZmqError, with its own name', () => {
      const all: [Error, string][] = [
        [new RpcError('x'), 'RpcError'],
        [new NotFoundError('a.b'), 'NotFoundError'],
        [new ParameterError('x'), 'ParameterError'],
        [new ResultError('x'), 'ResultError'],
        [new RpcTimeoutError(10, 'm'), 'RpcTimeoutError'],
        [new ServiceClosedError(), 'ServiceClosedError'],
        [new GenericError('X', 'x', []), 'GenericError'],
      ];
      for (const [err, name] of all) {
        expect(err).toBeInstanceOf(RpcError);
        expect(err).toBeInstanceOf(ZmqError);
        expect(err.name).toBe(name);
      }
    });

    it('classes - NotFoundError names the method, in message, field and args', () => {
      const err = new NotFoundError('x.y');
      expect(err.message).toBe("rxzmq: no remote method 'x.y'");
      expect(err.method).toBe('x.y');
      expect(err.args).toEqual(['x.y']);
    });

    it('classes - ParameterError and ResultError carry method, issues and cause', () => {
      const cause = new Error('inner');
      const issues = [{ message: 'expected a number', path: [0] }];
      const p = new ParameterError('bad', { method: 'add', issues, cause });
      expect([p.message, p.method, p.issues, p.cause]).toEqual(['bad', 'add', issues, cause]);
      const r = new ResultError('bad result', { method: 'add', issues });
      expect([r.message, r.method, r.issues, r.cause]).toEqual(['bad result', 'add', issues, undefined]);
    });

    it('classes - RpcTimeoutError has ETIMEDOUT, the timeout and the method, and the caller\'s stack when given', () => {
      const callerStack = new Error().stack!;
      const err = new RpcTimeoutError(250, 'slow', { callerStack });
      expect([err.code, err.timeout, err.method]).toEqual(['ETIMEDOUT', 250, 'slow']);
      expect(err.message).toBe("rxzmq: call to 'slow' timed out after 250 ms");
      expect(err.stack!.split('\n')[0]).toBe(`RpcTimeoutError: ${err.message}`);
      expect(err.stack!.split('\n').slice(1)).toEqual(callerStack.split('\n').slice(1));
      expect(new RpcTimeoutError(1, 'm').stack).toContain('errors.spec.ts');
    });

    it('classes - ServiceClosedError has a default message and an optional cause', () => {
      const cause = new Error('socket gone');
      expect(new ServiceClosedError().message).toMatch(/closed/);
      const err = new ServiceClosedError(undefined, { cause });
      expect(err.cause).toBe(cause);
      expect(new ServiceClosedError('client closed').message).toBe('client closed');
    });

    it('classes - ValueError is a plain Error named ValueError whose args default to [message]', () => {
      const err = new ValueError('bad value');
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(RpcError);
      expect([err.name, err.message, err.args]).toEqual(['ValueError', 'bad value', ['bad value']]);
      expect(new ValueError('x', { args: ['x', 42] }).args).toEqual(['x', 42]);
    });
  });

  describe('toWireError', () => {
    it('toWireError - name, message and [message] as args; no stack by default', () => {
      const wire = toWireError(new TypeError('bad type'), {});
      expect(wire).toEqual({ name: 'TypeError', message: 'bad type', args: ['bad type'] });
      expect('stack' in wire).toBe(false);
    });

    it('toWireError - the stack only with exposeStack', () => {
      const err = new Error('boom');
      expect(toWireError(err, { exposeStack: false }).stack).toBeUndefined();
      expect(toWireError(err, { exposeStack: true }).stack).toBe(err.stack);
    });

    it('toWireError - an error\'s own args array goes as its args', () => {
      expect(toWireError(new InsufficientFunds(42), {})).toEqual({
        name: 'InsufficientFunds',
        message: 'insufficient funds: 42 on main',
        args: [42, 'main'],
      });
    });

    it('toWireError - a class that does not set name goes by its constructor\'s name', () => {
      class Unnamed extends Error {}
      class UnnamedRange extends RangeError {}
      class Named extends Error {}
      Named.prototype.name = 'NamedOnPrototype';
      expect(toWireError(new Unnamed('u'), {}).name).toBe('Unnamed');
      expect(toWireError(new UnnamedRange('u'), {}).name).toBe('UnnamedRange');
      expect(toWireError(new Named('n'), {}).name).toBe('NamedOnPrototype');
      const own = new Error('o');
      own.name = 'OwnName';
      expect(toWireError(own, {}).name).toBe('OwnName');
    });

    it.each<[unknown, string]>([
      ['a string', 'a string'],
      [42, '42'],
      [undefined, 'undefined'],
      [null, 'null'],
      [{ toString: () => 'custom' }, 'custom'],
    ])('toWireError - a thrown non-Error %p goes as Error %j', (thrownValue, message) => {
      expect(toWireError(thrownValue, {})).toEqual({ name: 'Error', message, args: [message] });
    });

    it('toWireError - never throws, even for an error whose properties throw', () => {
      const hostile = new Error('x');
      Object.defineProperty(hostile, 'message', {
        get() {
          throw new Error('getter');
        },
      });
      const unprintable = { toString: () => { throw new Error('no'); } };
      expect(toWireError(hostile, {}).name).toBe('Error');
      expect(toWireError(unprintable, {}).name).toBe('Error');
    });
  });

  describe('fromWireError', () => {
    it.each<[string, new (message?: string) => Error]>([
      ['Error', Error],
      ['TypeError', TypeError],
      ['RangeError', RangeError],
      ['SyntaxError', SyntaxError],
      ['ReferenceError', ReferenceError],
      ['EvalError', EvalError],
      ['URIError', URIError],
    ])('fromWireError - built-in %s round-trips as itself with its message', (name, Cls) => {
      const back = roundTrip(new Cls('the message'));
      expect(back.constructor).toBe(Cls);
      expect(back.name).toBe(name);
      expect(back.message).toBe('the message');
    });

    it('fromWireError - ValueError round-trips with its args', () => {
      const back = roundTrip(new ValueError('bad value'));
      expect(back).toBeInstanceOf(ValueError);
      expect([back.message, (back as ValueError).args]).toEqual(['bad value', ['bad value']]);
      // As a Python server sends it: ValueError('bad value', 42).
      const fromPython = fromWireError({ name: 'ValueError', message: "('bad value', 42)", args: ['bad value', 42] });
      expect(fromPython).toBeInstanceOf(ValueError);
      expect((fromPython as ValueError).args).toEqual(['bad value', 42]);
      expect(toWireError(fromPython, {}).args).toEqual(['bad value', 42]);
    });

    it('fromWireError - rxzmq\'s own errors round-trip with their fields', () => {
      const notFound = roundTrip(new NotFoundError('ns.fn')) as NotFoundError;
      expect(notFound).toBeInstanceOf(NotFoundError);
      expect([notFound.method, notFound.message]).toEqual(['ns.fn', "rxzmq: no remote method 'ns.fn'"]);
      const param = roundTrip(new ParameterError('rxzmq: add() missing 1 required argument', { method: 'add' }));
      expect(param).toBeInstanceOf(ParameterError);
      expect(param.message).toBe('rxzmq: add() missing 1 required argument');
      const result = roundTrip(new ResultError('rxzmq: bad result'));
      expect(result).toBeInstanceOf(ResultError);
      expect(result.message).toBe('rxzmq: bad result');
      const timeout = roundTrip(new RpcTimeoutError(30, 'slow')) as RpcTimeoutError;
      expect(timeout).toBeInstanceOf(RpcTimeoutError);
      expect([timeout.timeout, timeout.method, timeout.code]).toEqual([30, 'slow', 'ETIMEDOUT']);
      const closed = roundTrip(new ServiceClosedError('gone'));
      expect(closed).toBeInstanceOf(ServiceClosedError);
      expect(closed.message).toBe('gone');
    });

    it('fromWireError - NotFoundError from aiozmq (args [name]) keeps the name', () => {
      const err = fromWireError({ name: 'NotFoundError', message: 'x.y', args: ['x.y'] }) as NotFoundError;
      expect(err.method).toBe('x.y');
    });

    it('fromWireError - an RpcTimeoutError whose args do not fit is a GenericError', () => {
      const err = fromWireError({ name: 'RpcTimeoutError', message: 'late', args: ['late'] });
      expect(err).toBeInstanceOf(GenericError);
    });

    it('fromWireError - a user class through the table is constructed with the remote args', () => {
      const table: ErrorTable = { InsufficientFunds };
      const back = roundTrip(new InsufficientFunds(42, 'savings'), table) as InsufficientFunds;
      expect(back).toBeInstanceOf(InsufficientFunds);
      expect([back.amount, back.account, back.message]).toEqual([42, 'savings', 'insufficient funds: 42 on savings']);
      // As a Python server sends it (cls(*args)).
      const py = fromWireError({ name: '__main__.InsufficientFunds', message: '7', args: [7] }, { '__main__.InsufficientFunds': InsufficientFunds });
      expect((py as InsufficientFunds).amount).toBe(7);
    });

    it('fromWireError - the table comes before the defaults', () => {
      class MyTypeError extends Error {}
      const back = fromWireError({ name: 'TypeError', message: 'm', args: ['m'] }, { TypeError: MyTypeError });
      expect(back).toBeInstanceOf(MyTypeError);
    });

    it('fromWireError - an unknown name is a GenericError with the remote name, message and args', () => {
      const err = fromWireError({ name: 'builtins.KeyError', message: "'k'", args: ['k'] });
      expect(err).toBeInstanceOf(GenericError);
      expect(err).toBeInstanceOf(RpcError);
      const g = err as GenericError;
      expect([g.name, g.remoteName, g.message, g.args, g.remoteStack]).toEqual(['GenericError', 'builtins.KeyError', "'k'", ['k'], undefined]);
    });

    it('fromWireError - a user class without a table entry is a GenericError', () => {
      const err = roundTrip(new InsufficientFunds(5)) as GenericError;
      expect(err).toBeInstanceOf(GenericError);
      expect([err.remoteName, err.args]).toEqual(['InsufficientFunds', [5, 'main']]);
    });

    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'Object', 'Function', 'Promise', 'globalThis', 'AggregateError', 'GenericError'])(
      'fromWireError - the name %j is looked up nowhere but the table and the defaults',
      (name) => {
        const err = fromWireError({ name, message: 'm', args: ['m'] }, {});
        expect(err).toBeInstanceOf(GenericError);
        expect((err as GenericError).remoteName).toBe(name);
      },
    );

    it('fromWireError - a table class whose constructor throws gives a GenericError with the cause', () => {
      class Picky extends Error {
        constructor(n: number) {
          if (typeof n !== 'number') throw new TypeError('Picky wants a number');
          super(String(n));
        }
      }
      const err = fromWireError({ name: 'Picky', message: 'x', args: ['x'] }, { Picky }) as GenericError;
      expect(err).toBeInstanceOf(GenericError);
      expect(err.cause).toBeInstanceOf(TypeError);
    });

    it('fromWireError - the remote stack goes on remoteStack and never replaces the local stack', () => {
      const remote = new TypeError('remote');
      remote.stack = 'TypeError: remote\n    at secretServerFunction (/srv/app.js:1:1)';
      const hidden = roundTrip(remote);
      expect((hidden as { remoteStack?: string }).remoteStack).toBeUndefined();
      expect(hidden.stack).not.toContain('secretServerFunction');
      const shown = roundTrip(remote, undefined, true);
      expect(shown).toBeInstanceOf(TypeError);
      expect((shown as { remoteStack?: string }).remoteStack).toBe(remote.stack);
      expect(shown.stack).not.toContain('secretServerFunction');
      expect(shown.stack).toContain('errors.spec.ts');
      const unknown = fromWireError({ name: 'Weird', message: 'w', args: ['w'], stack: 'Weird: w\n    at x' }) as GenericError;
      expect(unknown.remoteStack).toBe('Weird: w\n    at x');
      expect(unknown.stack).not.toContain('    at x');
    });

    it('fromWireError - tolerates a malformed wire error', () => {
      const err = fromWireError({ name: 'TypeError', message: 'm', args: 'not an array' } as unknown as WireError);
      expect(err).toBeInstanceOf(TypeError);
      const odd = fromWireError({ name: 7, message: null, args: null } as unknown as WireError);
      expect(odd).toBeInstanceOf(Error);
    });
  });
});
