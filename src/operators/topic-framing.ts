import type { Frame, Message, Sendable } from '../engine';
import { framesOf } from './frames';

/**
 * How a topic travels with its message: `'frames'`, a frame of its own
 * before the payload frames; `'txzmq'`, txZMQ's single frame
 * `topic + "\0" + body`.
 */
export type TopicFraming = 'frames' | 'txzmq';

const NUL = 0;

/**
 * Splits a received message into topic and payload; undefined when it does
 * not follow the framing (txZMQ: a frame with no NUL). txZMQ also reads a
 * two-frame message as (topic, body), as txZMQ itself does.
 */
export function topicFrame(msg: Message, framing: TopicFraming): { topic: Buffer; frames: Buffer[] } | undefined {
  const [first, ...rest] = msg;
  if (!first) return undefined;
  if (framing === 'frames' || msg.length === 2) return { topic: first, frames: rest };
  const nul = first.indexOf(NUL);
  if (nul < 0) return undefined;
  return { topic: first.subarray(0, nul), frames: [first.subarray(nul + 1)] };
}

/** Builds the message that carries `payload` on `topic`; txZMQ's framing takes a one-frame payload. */
export function withTopic(topic: Frame, payload: Sendable, framing: TopicFraming): Frame[] {
  const frames = framesOf(payload);
  if (framing === 'frames') return [topic, ...frames];
  if (frames.length !== 1) throw new TypeError(`rxzmq: txZMQ topic framing carries one frame, got ${frames.length}`);
  return [Buffer.concat([Buffer.from(topic), Buffer.of(NUL), Buffer.from(frames[0]!)])];
}
