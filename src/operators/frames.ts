import type { Frame, Sendable } from '../engine';

/** A Sendable as its list of frames; throws `TypeError` for anything that is not one. */
export function framesOf(msg: Sendable): readonly Frame[] {
  const frames = typeof msg === 'string' || msg instanceof Uint8Array ? [msg] : msg;
  if (!Array.isArray(frames) || !frames.every((f) => typeof f === 'string' || f instanceof Uint8Array)) {
    throw new TypeError('rxzmq: a message must be a string, a Uint8Array or a list of them');
  }
  return frames;
}
