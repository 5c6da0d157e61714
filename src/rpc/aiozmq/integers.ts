/**
 * Integers across the JavaScript/Python line. Python's ints are unbounded
 * and msgpack-python packs those of 2^32 and more (or below -2^31) as 64-bit
 * integers; a JavaScript number holds integers exactly only up to 2^53. So
 * 64-bit integers are decoded as `bigint`, then narrowed back to `number`
 * where that is exact; and a `bigint` given to be packed goes out as a
 * 64-bit integer, with the same bytes msgpack-python would write.
 */

const INT32_MIN = -0x80000000;
const UINT32_END = 0x100000000;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(BigInt(1) << BigInt(63));
const UINT64_END = BigInt(1) << BigInt(64);
/** The MessagePack encoder refuses deeper values anyway; stop copying there. */
const MAX_DEPTH = 100;

/** Arrays and plain objects: the containers the MessagePack codec makes and walks. */
function isPlainContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Replaces, in a freshly decoded value, every `bigint` that a `number`
 * holds exactly by that number. Containers are changed in place; the walk
 * keeps its own stack, so hostile nesting depth cannot overflow the call stack.
 */
export function narrowIntegers(value: unknown): unknown {
  if (typeof value === 'bigint') return narrow(value);
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const container = pending.pop();
    if (!isPlainContainer(container)) continue;
    const record = container as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'bigint') record[key] = narrow(item);
      else if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  return value;
}

function narrow(value: bigint): bigint | number {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/**
 * A copy of `value` ready for an encoder that writes every `bigint` as a
 * 64-bit integer (and, in that mode, would write large numbers as floats):
 * integers beyond 32 bits become `bigint`, and `bigint`s within 32 bits
 * become numbers, so each integer gets the format msgpack-python would
 * choose. Only arrays and plain objects are copied; everything else is kept.
 *
 * @throws TypeError for a `bigint` outside int64/uint64.
 */
export function widenIntegers(value: unknown, depth = 0): unknown {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && (value < INT32_MIN || value >= UINT32_END) ? BigInt(value) : value;
  }
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value >= UINT64_END) {
      // The encoder would silently wrap it; Python refuses such ints too.
      throw new TypeError(`aiozmq: ${value} is beyond 64 bits and cannot be packed`);
    }
    return value >= BigInt(INT32_MIN) && value < BigInt(UINT32_END) ? Number(value) : value;
  }
  if (depth > MAX_DEPTH || !isPlainContainer(value)) return value;
  if (Array.isArray(value)) return value.map((item) => widenIntegers(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = widenIntegers(item, depth + 1);
  return copy;
}
