/**
 * ZeroMQ's subscription messages, as an XSUB sends them, a ZMTP 3.0 peer
 * carries them and an XPUB's application receives them: one frame,
 * `\x01topic` to subscribe or `\x00topic` to cancel.
 */

/** The message that subscribes to (`add`) or cancels `topic`. */
export function subscriptionMessage(add: boolean, topic: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(add ? 1 : 0), topic]);
}

/** The subscription a message carries, or undefined when it is some other message. */
export function readSubscription(frames: readonly Buffer[]): { add: boolean; topic: Buffer } | undefined {
  const first = frames[0];
  if (frames.length !== 1 || first === undefined || first.length === 0 || first[0]! > 1) return undefined;
  return { add: first[0] === 1, topic: first.subarray(1) };
}
