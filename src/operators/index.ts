/**
 * rxzmq/operators: pipeable operators over ZeroMQ messages and sockets.
 */
export { proxy } from './proxy';
export { publishTopic } from './publishTopic';
export { sendTo } from './sendTo';
export { subscribeTopic } from './subscribeTopic';

export type { ProxyConfig, ProxySocket } from './proxy';
export type { PublishTopicConfig } from './publishTopic';
export type { SendSource, SendTarget, SendToConfig } from './sendTo';
export type { SubscribeTopicConfig, TopicMessage } from './subscribeTopic';
export type { TopicFraming } from './topic-framing';
