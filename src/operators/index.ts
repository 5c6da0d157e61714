/**
 * rxzmq/operators: pipeable operators over ZeroMQ messages and sockets.
 */
export { publishTopic } from './publishTopic';
export { subscribeTopic } from './subscribeTopic';

export type { PublishTopicConfig } from './publishTopic';
export type { SubscribeTopicConfig, TopicMessage } from './subscribeTopic';
export type { TopicFraming } from './topic-framing';
