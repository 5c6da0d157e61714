/**
 * libsodium (compiled to WebAssembly by libsodium-wrappers), the NaCl
 * implementation libzmq itself links for CURVE. Its module must be
 * instantiated once, asynchronously, before any call: {@link sodiumReady}
 * starts that on first use, and {@link sodium} hands the module out once it
 * has finished.
 */
import libsodium from 'libsodium-wrappers';

/** The libsodium-wrappers module. */
export type Sodium = typeof libsodium;

let ready: Promise<void> | undefined;
let loaded = false;

/** Resolves once libsodium can be called (at once after the first time); starts loading it on the first call. */
export function sodiumReady(): Promise<void> {
  ready ??= libsodium.ready.then(() => {
    loaded = true;
  });
  return ready;
}

/** True once {@link sodiumReady} has resolved. */
export function sodiumLoaded(): boolean {
  return loaded;
}

/**
 * The libsodium module, ready to call.
 *
 * @throws Error when {@link sodiumReady} has not resolved yet (a bug in the caller: mechanisms wait for it)
 */
export function sodium(): Sodium {
  if (!loaded) throw new Error('rxzmq: libsodium is used before it is ready (await sodiumReady() first)');
  return libsodium;
}
