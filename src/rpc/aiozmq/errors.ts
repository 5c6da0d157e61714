/**
 * Error names across the JavaScript/Python line. aiozmq sends an error as
 * the full name of its class (`cls.__module__ + "." + cls.__qualname__`),
 * its `args` and its `repr`; its client raises the class its error table
 * has under that name, with those args, and a `GenericError` for any other
 * name. These functions translate names only: the RPC core owns the classes.
 *
 * | JavaScript name | Python full name |
 * |---|---|
 * | `Error` | `builtins.Exception` |
 * | `TypeError`, `SyntaxError`, any other Python built-in exception name | `builtins.<Name>` |
 * | `RangeError`, `URIError` | `builtins.ValueError` (one way: what Python raises for a value out of range or malformed) |
 * | `ReferenceError` | `builtins.NameError` (and back: JavaScript's ReferenceError is Python's NameError) |
 * | `EvalError`, `AggregateError` | `builtins.Exception` (one way) |
 * | `NotFoundError` | `aiozmq.rpc.base.NotFoundError` |
 * | `ParameterError` | `aiozmq.rpc.base.ParametersError` |
 * | a dotted name (`__main__.MyError`, `builtins.KeyError`) | unchanged, both ways |
 * | any other name | unchanged: a Python client raises `GenericError(name, args, repr)` |
 *
 * Built-in names whose Python constructor takes more than a message
 * (`UnicodeDecodeError`, `UnicodeEncodeError`, `UnicodeTranslateError`,
 * `ExceptionGroup`, `BaseExceptionGroup`) are not given the `builtins.`
 * prefix: aiozmq's client would call the class with the wrong number of
 * arguments, fail inside its receive callback, and stop reading replies.
 */
import { pythonRepr, pythonStr } from './repr';

/** `aiozmq.rpc.NotFoundError`'s full name on the wire (verified against aiozmq 1.0.0). */
export const AIOZMQ_NOT_FOUND_ERROR = 'aiozmq.rpc.base.NotFoundError';
/** `aiozmq.rpc.ParametersError`'s full name on the wire (verified against aiozmq 1.0.0). */
export const AIOZMQ_PARAMETERS_ERROR = 'aiozmq.rpc.base.ParametersError';
/** `aiozmq.rpc.GenericError`'s full name (a Python client raises it for names it does not know). */
export const AIOZMQ_GENERIC_ERROR = 'aiozmq.rpc.base.GenericError';

/**
 * Every exception class in Python 3.11's `builtins`, aliases included
 * (`EnvironmentError` and `IOError` are `OSError`, whose name is what Python sends).
 * aiozmq's client translates `builtins.<Name>` for all but the five that
 * are not `Exception` subclasses (`BaseException`, `BaseExceptionGroup`,
 * `GeneratorExit`, `KeyboardInterrupt`, `SystemExit`), which arrive in
 * Python as `GenericError`.
 */
export const PYTHON_BUILTIN_EXCEPTIONS: readonly string[] = [
  'ArithmeticError', 'AssertionError', 'AttributeError', 'BaseException', 'BaseExceptionGroup',
  'BlockingIOError', 'BrokenPipeError', 'BufferError', 'BytesWarning', 'ChildProcessError',
  'ConnectionAbortedError', 'ConnectionError', 'ConnectionRefusedError', 'ConnectionResetError',
  'DeprecationWarning', 'EOFError', 'EncodingWarning', 'EnvironmentError', 'Exception',
  'ExceptionGroup', 'FileExistsError', 'FileNotFoundError', 'FloatingPointError', 'FutureWarning',
  'GeneratorExit', 'IOError', 'ImportError', 'ImportWarning', 'IndentationError', 'IndexError',
  'InterruptedError', 'IsADirectoryError', 'KeyError', 'KeyboardInterrupt', 'LookupError',
  'MemoryError', 'ModuleNotFoundError', 'NameError', 'NotADirectoryError', 'NotImplementedError',
  'OSError', 'OverflowError', 'PendingDeprecationWarning', 'PermissionError', 'ProcessLookupError',
  'RecursionError', 'ReferenceError', 'ResourceWarning', 'RuntimeError', 'RuntimeWarning',
  'StopAsyncIteration', 'StopIteration', 'SyntaxError', 'SyntaxWarning', 'SystemError', 'SystemExit',
  'TabError', 'TimeoutError', 'TypeError', 'UnboundLocalError', 'UnicodeDecodeError',
  'UnicodeEncodeError', 'UnicodeError', 'UnicodeTranslateError', 'UnicodeWarning', 'UserWarning',
  'ValueError', 'Warning', 'ZeroDivisionError',
];

/** Built-ins whose constructor cannot take a lone message (see the module doc). */
const NEEDS_MORE_ARGS = new Set([
  'BaseExceptionGroup', 'ExceptionGroup', 'UnicodeDecodeError', 'UnicodeEncodeError', 'UnicodeTranslateError',
]);

const BUILTINS = new Set(PYTHON_BUILTIN_EXCEPTIONS);

const TO_PYTHON: ReadonlyMap<string, string> = new Map([
  ['Error', 'builtins.Exception'],
  ['RangeError', 'builtins.ValueError'],
  ['URIError', 'builtins.ValueError'],
  ['ReferenceError', 'builtins.NameError'],
  ['EvalError', 'builtins.Exception'],
  ['AggregateError', 'builtins.Exception'],
  ['NotFoundError', AIOZMQ_NOT_FOUND_ERROR],
  ['ParameterError', AIOZMQ_PARAMETERS_ERROR],
  ['ParametersError', AIOZMQ_PARAMETERS_ERROR],
]);

const FROM_PYTHON: ReadonlyMap<string, string> = new Map([
  ['builtins.Exception', 'Error'],
  ['builtins.NameError', 'ReferenceError'],
  [AIOZMQ_NOT_FOUND_ERROR, 'NotFoundError'],
  [AIOZMQ_PARAMETERS_ERROR, 'ParameterError'],
]);

const BUILTINS_PREFIX = 'builtins.';

/**
 * The name to send for a JavaScript error name (see the table in this module's doc).
 *
 * ## Example
 * ```ts
 * toPythonName('TypeError'); // 'builtins.TypeError'
 * toPythonName('ParameterError'); // 'aiozmq.rpc.base.ParametersError'
 * toPythonName('MyError'); // 'MyError'
 * ```
 */
export function toPythonName(jsName: string): string {
  const special = TO_PYTHON.get(jsName);
  if (special !== undefined) return special;
  if (BUILTINS.has(jsName) && !NEEDS_MORE_ARGS.has(jsName)) return BUILTINS_PREFIX + jsName;
  return jsName;
}

/**
 * The JavaScript error name for a received Python full name: `builtins.`
 * dropped from Python's built-ins (`'ValueError'`, `'TypeError'`), rxzmq's
 * names for aiozmq's two RPC errors, anything else unchanged
 * (`'__main__.MyError'`), for the client's error table to look up.
 */
export function fromPythonName(pythonName: string): string {
  const special = FROM_PYTHON.get(pythonName);
  if (special !== undefined) return special;
  if (pythonName.startsWith(BUILTINS_PREFIX)) {
    const short = pythonName.slice(BUILTINS_PREFIX.length);
    if (BUILTINS.has(short)) return short;
  }
  return pythonName;
}

/**
 * `repr(exc)` as Python writes it: the class's own name (the part after the
 * last dot) and the args, `ValueError('bad value', 42)`, `NotFoundError('x')`, `KeyError()`.
 */
export function exceptionRepr(pythonName: string, args: readonly unknown[]): string {
  return `${pythonName.slice(pythonName.lastIndexOf('.') + 1)}(${args.map(pythonRepr).join(', ')})`;
}

/**
 * `str(exc)` as Python writes it, for a message: `''` without args, the
 * lone arg as text (a `KeyError` shows its key's repr), or the tuple's repr.
 */
export function exceptionMessage(pythonName: string, args: readonly unknown[]): string {
  if (args.length === 0) return '';
  if (args.length > 1) return pythonRepr(args);
  return pythonName === 'builtins.KeyError' ? pythonRepr(args[0]) : pythonStr(args[0]);
}
