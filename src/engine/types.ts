/**
 * The engine interface: the narrow contract between rxzmq's sockets
 * (`src/observables`) and whatever moves bytes on the wire. It holds no
 * zeromq.js types, so a second engine (ZMTP in TypeScript) slots in without
 * touching the sockets.
 *
 * The shape favours the fast path: messages arrive through a callback (no
 * promise per message), sends complete through a callback that may run
 * synchronously, and reading is paused and resumed rather than polled.
 */

/** The ZeroMQ socket types rxzmq knows. */
export type SocketType =
  | 'pair'
  | 'pub'
  | 'sub'
  | 'xpub'
  | 'xsub'
  | 'req'
  | 'rep'
  | 'dealer'
  | 'router'
  | 'push'
  | 'pull';

/** One frame of an outgoing message. */
export type Frame = string | Uint8Array;

/** Anything a socket accepts as a message: one frame or a list of frames. */
export type Sendable = Frame | readonly Frame[];

/** A received multipart message: one Buffer per frame. */
export type Message = Buffer[];

/** A monitor event, engine-neutral. `address` is the endpoint it concerns. */
export type SocketEvent =
  | { type: 'listening'; address: string }
  | { type: 'listenFailed'; address: string; error: Error }
  | { type: 'accepted'; address: string }
  | { type: 'acceptFailed'; address: string; error: Error }
  | { type: 'connected'; address: string }
  | { type: 'connectDelayed'; address: string }
  | { type: 'connectRetried'; address: string; interval: number }
  | { type: 'disconnected'; address: string }
  | { type: 'closed'; address: string }
  | { type: 'closeFailed'; address: string; error: Error }
  | { type: 'handshakeSucceeded'; address: string }
  | {
      type: 'handshakeFailed';
      address: string;
      reason: 'protocol' | 'auth' | 'other';
      error: Error;
    }
  | { type: 'monitorStopped' }
  | { type: 'unknown' };

/** The `type` of a {@link SocketEvent}. */
export type SocketEventType = SocketEvent['type'];

/** Callbacks through which an engine socket hands over what it reads. */
export interface ReceiveHandler {
  /** A message was read. May be called once more after `pauseReceive()`. */
  message(msg: Message): void;
  /** Reading failed for good; no more messages follow. */
  error(err: Error): void;
}

/**
 * One engine socket. All methods may be called at any time; after `close()`
 * they fail with an error (`send` through its callback).
 */
export interface EngineSocket {
  readonly type: SocketType;
  /** The endpoints bound now, as resolved (`tcp://127.0.0.1:*` gets its port). */
  readonly bindings: readonly string[];
  /** The endpoints connected now, as given. */
  readonly connections: readonly string[];
  readonly closed: boolean;

  bind(endpoint: string): Promise<string>;
  unbind(endpoint: string): Promise<void>;
  /** Throws at once on a malformed endpoint; connecting itself is asynchronous. */
  connect(endpoint: string): void;
  disconnect(endpoint: string): void;

  /**
   * Hands one message to the engine. At most one send is outstanding: the
   * caller waits for `done` before the next. `done` runs once, possibly
   * synchronously, with an error if the engine could not take the message.
   */
  send(msg: Sendable, done: (err?: Error) => void): void;
  /**
   * Optional fast path of `send`, for a caller that awaits: hands one message
   * over and returns a promise that settles when the engine has taken it (or
   * rejects with the engine's error). May throw synchronously. The same
   * one-at-a-time rule applies across `send` and `sendAsync`.
   */
  sendAsync?(msg: Sendable): Promise<void>;

  /** Starts (or resumes) reading into `handler`. Calling it again swaps the handler. */
  startReceive(handler: ReceiveHandler): void;
  /**
   * Stops reading. Engines that have a read in flight may deliver that one
   * message after this call; callers must accept it.
   */
  pauseReceive(): void;

  /** SUB only: change the topic filter (XSUB sends subscription messages instead). */
  addTopic(topic: Frame): void;
  removeTopic(topic: Frame): void;

  /**
   * Starts the socket monitor (lazily: nothing runs until this is called) and
   * returns a function that stops listening.
   */
  monitor(listener: (event: SocketEvent) => void): () => void;

  /** Closes the socket; `linger` ms (or the socket's own option) for unsent messages. */
  close(linger?: number): void;
}

/** An engine: a way to make sockets. */
export interface Engine {
  readonly name: string;
  createSocket(type: SocketType, options: Record<string, unknown>): EngineSocket;
}
