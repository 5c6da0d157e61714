/**
 * `Symbol.asyncDispose`, for `await using`. Node 20 defines it as
 * `Symbol.for('nodejs.asyncDispose')`; realms that lack it (Jest's vm
 * contexts, older runtimes) get that same registered symbol, so sockets made
 * anywhere dispose the same way.
 */
const symbols = Symbol as { asyncDispose?: symbol };
symbols.asyncDispose ??= Symbol.for('nodejs.asyncDispose');

export const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose;
