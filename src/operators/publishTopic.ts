import { map, type OperatorFunction } from 'rxjs';
import type { Frame, Sendable } from '../engine';
import { withTopic, type TopicFraming } from './topic-framing';

/** Options of {@link publishTopic}. */
export interface PublishTopicConfig {
  /** `'frames'` (default): the topic frame, then the payload frames; `'txzmq'`: one frame `topic + "\0" + body`. */
  framing?: TopicFraming;
}

/**
 * Puts each payload on a topic, ready for a PUB socket, in the framing a
 * matching {@link subscribeTopic} reads.
 *
 * ```
 * source:   -a-----b------|
 * publishTopic('news')
 * result:   -[news,a]-[news,b]-|
 * ```
 *
 * ## Example
 * ```ts
 * import { pub } from 'rxzmq';
 * import { publishTopic } from 'rxzmq/operators';
 * import { interval, map } from 'rxjs';
 *
 * const feed = pub({ bind: 'tcp://127.0.0.1:5556' });
 * interval(1000).pipe(map(String), publishTopic('tick')).subscribe((msg) => feed.next(msg));
 * ```
 *
 * @param topic The topic; with txZMQ framing it may not contain a NUL byte.
 * @param config Framing options.
 * @returns An operator from payloads to topic messages.
 */
export function publishTopic(topic: Frame, config: PublishTopicConfig = {}): OperatorFunction<Sendable, Frame[]> {
  const framing = config.framing ?? 'frames';
  if (framing !== 'frames' && framing !== 'txzmq') throw new TypeError(`rxzmq: unknown topic framing '${String(framing)}'`);
  if (framing === 'txzmq' && Buffer.from(topic).includes(0)) {
    throw new TypeError('rxzmq: a txZMQ topic cannot contain a NUL byte');
  }
  return map((payload) => withTopic(topic, payload, framing));
}
