/**
 * aiozmq.rpc's pub-sub calls (client PUB to server SUB): a topic frame,
 * then the call's three frames. Subscribers match the topic frame by byte
 * prefix, as ZeroMQ does; the handler never sees it.
 *
 * ```
 * topic | name | args | kwargs
 * ```
 */
import { decodeCall, encodeCall, type AiozmqCall, type AiozmqCallInput } from './call';
import { AiozmqProtocolError } from './protocol-error';
import { defaultPacker, type AiozmqPacker } from './values';

/** A topic as `publish(topic)` takes it: a string goes as UTF-8, bytes as given, `null`/`undefined` as an empty frame. */
export type AiozmqTopic = string | Uint8Array | null | undefined;

/** A publication to encode: its topic and its call. */
export interface AiozmqPublishInput extends AiozmqCallInput {
  readonly topic: AiozmqTopic;
}

/** A publication as a subscriber decoded it. */
export interface DecodedPublish extends AiozmqCall {
  /** The topic frame as received. */
  readonly topic: Buffer;
}

const PUBLISH_FRAMES = 4;

/**
 * The topic frame for `topic`.
 *
 * @throws TypeError for anything but a string, bytes, `null` or `undefined` (as aiozmq).
 */
export function topicFrame(topic: AiozmqTopic): Buffer {
  if (topic === null || topic === undefined) return Buffer.alloc(0);
  if (typeof topic === 'string') return Buffer.from(topic, 'utf8');
  if (topic instanceof Uint8Array) return Buffer.from(topic.buffer, topic.byteOffset, topic.byteLength);
  throw new TypeError('aiozmq: a topic is a string, bytes, null or undefined');
}

/**
 * The 4 frames of a publication.
 *
 * @throws TypeError for a bad topic, or as {@link encodeCall}.
 */
export function encodePublish(publication: AiozmqPublishInput, packer: AiozmqPacker = defaultPacker): Buffer[] {
  return [topicFrame(publication.topic), ...encodeCall(publication, packer)];
}

/**
 * Reads a publication.
 *
 * @throws AiozmqProtocolError `'frame-count'` (not exactly 4 frames) or one of {@link decodeCall}'s reasons.
 */
export function decodePublish(frames: readonly Buffer[], packer: AiozmqPacker = defaultPacker): DecodedPublish {
  if (frames.length !== PUBLISH_FRAMES) {
    throw new AiozmqProtocolError('frame-count', `a publication has 4 frames, got ${frames.length}`);
  }
  return { topic: frames[0], ...decodeCall(frames[1], frames[2], frames[3], packer) };
}
