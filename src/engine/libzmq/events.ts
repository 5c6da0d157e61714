import type * as zmq from 'zeromq';
import type { SocketEvent } from '../types';

/** Translates a zeromq.js monitor event into rxzmq's engine-neutral event. */
export function toSocketEvent(ev: zmq.Event): SocketEvent {
  switch (ev.type) {
    case 'bind':
      return { type: 'listening', address: ev.address };
    case 'bind:error':
      return { type: 'listenFailed', address: ev.address, error: ev.error };
    case 'accept':
      return { type: 'accepted', address: ev.address };
    case 'accept:error':
      return { type: 'acceptFailed', address: ev.address, error: ev.error };
    case 'connect':
      return { type: 'connected', address: ev.address };
    case 'connect:delay':
      return { type: 'connectDelayed', address: ev.address };
    case 'connect:retry':
      return { type: 'connectRetried', address: ev.address, interval: ev.interval };
    case 'disconnect':
      return { type: 'disconnected', address: ev.address };
    case 'close':
      return { type: 'closed', address: ev.address };
    case 'close:error':
      return { type: 'closeFailed', address: ev.address, error: ev.error };
    case 'handshake':
      return { type: 'handshakeSucceeded', address: ev.address };
    case 'handshake:error:protocol':
      return { type: 'handshakeFailed', reason: 'protocol', address: ev.address, error: ev.error };
    case 'handshake:error:auth':
      return { type: 'handshakeFailed', reason: 'auth', address: ev.address, error: ev.error };
    case 'handshake:error:other':
      return { type: 'handshakeFailed', reason: 'other', address: ev.address, error: ev.error };
    case 'end':
      return { type: 'monitorStopped' };
    default:
      return { type: 'unknown' };
  }
}
