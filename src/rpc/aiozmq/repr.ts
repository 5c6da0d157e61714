/**
 * Python's `repr()` and `str()` of values as a Python peer would hold them
 * after unpacking: what aiozmq puts in the `exc_repr` of an error reply,
 * and what Python's `str(exc)` would show as a message.
 */
import { ExtData } from '@msgpack/msgpack';

/** Python's `str.isprintable()` is false for these categories (a space excepted). */
const UNPRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/**
 * `repr(x)` in Python of the value `value` becomes there: `None`, `True`,
 * ints, floats (`1.5e-05`), strings and bytes with Python's quoting and
 * escapes, arrays as tuples (`(1,)`), plain objects as dicts, `Date` as
 * `msgpack.Timestamp`, `ExtData` as `ExtType`. Other objects show as `<Name object>`.
 */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      // A safe integer travels as a MessagePack int, everything else as a float.
      return Number.isSafeInteger(value) ? String(value === 0 ? 0 : value) : floatRepr(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return strRepr(value);
    case 'object':
      return objectRepr(value);
    default:
      return `<${typeof value} object>`;
  }
}

/** `str(x)` in Python: a string as itself, anything else as its {@link pythonRepr}. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

function objectRepr(value: object): string {
  if (ArrayBuffer.isView(value)) {
    return bytesRepr(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
  if (Array.isArray(value)) {
    const items = value.map(pythonRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    const seconds = Math.floor(ms / 1000);
    return `Timestamp(seconds=${seconds}, nanoseconds=${(ms - seconds * 1000) * 1_000_000})`;
  }
  if (value instanceof ExtData) {
    const data = typeof value.data === 'function' ? value.data(0) : value.data;
    return `ExtType(code=${value.type}, data=${bytesRepr(data)})`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const items = Object.entries(value).map(([k, v]) => `${strRepr(k)}: ${pythonRepr(v)}`);
    return `{${items.join(', ')}}`;
  }
  return `<${(value.constructor as { name?: string } | undefined)?.name || 'object'} object>`;
}

/** Python's float repr: the shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e');
  const exp = Number(exponent);
  const digits = mantissa.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
}

/** Single quotes unless the text has a single quote and no double quote, as Python chooses. */
function quoteFor(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x5c: '\\\\' };

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

function strRepr(text: string): string {
  const quote = quoteFor(text.includes("'"), text.includes('"'));
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (SHORT_ESCAPES[code] !== undefined) out += SHORT_ESCAPES[code];
    else if (char === quote) out += `\\${quote}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code > 0x7f && !UNPRINTABLE.test(char)) out += char;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out + quote;
}

function bytesRepr(bytes: Uint8Array): string {
  const quote = quoteFor(bytes.includes(0x27), bytes.includes(0x22));
  let out = `b${quote}`;
  for (const code of bytes) {
    if (SHORT_ESCAPES[code] !== undefined) out += SHORT_ESCAPES[code];
    else if (code === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (code >= 0x20 && code < 0x7f) out += String.fromCharCode(code);
    else out += `\\x${hex(code, 2)}`;
  }
  return out + quote;
}
