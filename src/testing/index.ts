/**
 * rxzmq/testing: the in-memory model of ZeroMQ sockets, run by an RxJS
 * scheduler, for marble tests of pipelines.
 */
export { MemoryNetwork } from './network';
export type { MemoryNetworkConfig, MemorySocketState } from './network';
