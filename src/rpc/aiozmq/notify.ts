/**
 * aiozmq.rpc's pipeline calls (client PUSH to server PULL): the call's three
 * frames and nothing else; no header, no id, no reply.
 *
 * ```
 * name | args | kwargs
 * ```
 */
import { decodeCall, encodeCall, type AiozmqCall, type AiozmqCallInput } from './call';
import { AiozmqProtocolError } from './protocol-error';
import { defaultPacker, type AiozmqPacker } from './values';

const NOTIFY_FRAMES = 3;

/**
 * The 3 frames of a notification.
 *
 * @throws TypeError as {@link encodeCall}.
 */
export function encodeNotify(call: AiozmqCallInput, packer: AiozmqPacker = defaultPacker): Buffer[] {
  return encodeCall(call, packer);
}

/**
 * Reads a notification. (aiozmq's own pipeline server reads a malformed
 * one outside its error handling and stops reading; see PROTOCOLS.md.)
 *
 * @throws AiozmqProtocolError `'frame-count'` (not exactly 3 frames) or one of {@link decodeCall}'s reasons.
 */
export function decodeNotify(frames: readonly Buffer[], packer: AiozmqPacker = defaultPacker): AiozmqCall {
  if (frames.length !== NOTIFY_FRAMES) {
    throw new AiozmqProtocolError('frame-count', `a notification has 3 frames, got ${frames.length}`);
  }
  return decodeCall(frames[0], frames[1], frames[2], packer);
}
