/**
 * Child process of bench/engines.ts: a {@link LocalPeer} driven over Node's
 * IPC channel, so that the receiving end runs in a process of its own.
 * Started by bench/engines-remote.ts; says `{ ready: true }` once loaded,
 * answers each `{ id, method, args }` with `{ id, value }` or
 * `{ id, error }`, and closes its server end and exits when the parent
 * disconnects.
 */
import { LocalPeer, type Peer } from './engines-peer';

/** A call from the parent. */
export interface PeerRequest {
  readonly id: number;
  readonly method: keyof Peer;
  readonly args: unknown[];
}

/** The answer to a call: its value, or the error it threw (message and libzmq code). */
export type PeerResponse =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

const peer = new LocalPeer();
const reply = (response: PeerResponse): void => {
  if (process.connected) process.send!(response);
};

process.on('message', ({ id, method, args }: PeerRequest) => {
  const run = peer[method] as (...args: unknown[]) => Promise<unknown>;
  run.apply(peer, args).then(
    (value) => reply({ id, value }),
    (err: Error & { code?: string }) => reply({ id, error: { message: err.message, code: err.code } }),
  );
});

process.on('disconnect', () => {
  void peer.stop();
});

process.send!({ ready: true });
