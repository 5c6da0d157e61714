/**
 * rxzmq/operators: pipeable operators over ZeroMQ messages and sockets.
 */
export { broadcast } from './broadcast';
export { jsonCodec, msgpackCodec, utf8Codec } from './codec';
export { decode, DecodeError, decodeErrors$ } from './decode';
export { encode, EncodeError } from './encode';
export { heartbeat, HEARTBEAT, PeerTimeoutError } from './heartbeat';
export { proxy } from './proxy';
export { publishTopic } from './publishTopic';
export { replyWith, MalformedRequestError } from './replyWith';
export { requestReply, RequestTimeoutError } from './requestReply';
export { roundRobin } from './roundRobin';
export { sendTo } from './sendTo';
export { subscribeTopic } from './subscribeTopic';
export { toPeer } from './toPeer';

export type { BroadcastConfig } from './broadcast';
export type { Codec, JsonCodecConfig, MsgpackCodecConfig, MsgpackExtension } from './codec';
export type { DecodeConfig } from './decode';
export type { Heartbeat, HeartbeatConfig, PeerLiveness } from './heartbeat';
export type { ProxyConfig, ProxySocket } from './proxy';
export type { PublishTopicConfig } from './publishTopic';
export type { ReplyContext, ReplyHandler, ReplyRecord, ReplyWithConfig } from './replyWith';
export type { RequestReplyConfig, RequestReplySocket, Requester } from './requestReply';
export type { RequestFraming } from './request-framing';
export type { RoundRobinConfig } from './roundRobin';
export type { SendSource, SendTarget, SendToConfig } from './sendTo';
export type { SubscribeTopicConfig, TopicMessage } from './subscribeTopic';
export type { RouterTarget, Target } from './targets';
export type { TopicFraming } from './topic-framing';
