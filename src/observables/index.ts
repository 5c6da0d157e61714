export { pub } from './pub';
export { sub } from './sub';
export { xpub } from './xpub';
export { xsub } from './xsub';
export { push } from './push';
export { pull } from './pull';
export { req } from './req';
export { rep } from './rep';
export { dealer } from './dealer';
export { router } from './router';
export { pair } from './pair';
export { Context, defaultContext } from './context';
export {
  BindError,
  ClosedError,
  ConnectError,
  HighWaterMarkError,
  ReceiveError,
  SendError,
  ZmqError,
} from './errors';

export type { PubOptions, PubSocket } from './pub';
export type { SubOptions, SubSocket } from './sub';
export type { XPubOptions, XPubSocket } from './xpub';
export type { XSubOptions, XSubSocket } from './xsub';
export type { PushOptions, PushSocket } from './push';
export type { PullOptions, PullSocket } from './pull';
export type { ReqOptions, ReqSocket } from './req';
export type { RepOptions, RepSocket } from './rep';
export type { DealerOptions, DealerSocket } from './dealer';
export type { RouterOptions, RouterSocket } from './router';
export type { PairOptions, PairSocket } from './pair';
export type { ConsumeConfig, ConsumeResult } from './consume';
export type { ZmqErrorDetails } from './errors';
export type {
  CommonOptions,
  Dropping,
  ManualTopics,
  Receiving,
  Sending,
  SocketBase,
  SocketOptions,
  TopicOptions,
  Topics,
} from './types';
