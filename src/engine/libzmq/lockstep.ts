import { engineError } from '../errors';

/**
 * REQ's and REP's turns, kept outside libzmq. zeromq.js waits for a socket
 * to be writable before it sends, and a REQ awaiting its reply, or a REP
 * that owes none, never is: a send out of turn would wait forever (or for
 * `sendTimeout`) where libzmq itself, and the zmtp engine, say EFSM at once.
 * A relaxed REQ (ZMQ_REQ_RELAXED) may always send, and has no lockstep.
 */
export class Lockstep {
  private ourTurn: boolean;

  private constructor(private readonly type: 'req' | 'rep') {
    this.ourTurn = type === 'req';
  }

  /** The lockstep of a socket of `type`, if it has one. */
  static of(type: string, options: Record<string, unknown>): Lockstep | undefined {
    if (type === 'rep') return new Lockstep('rep');
    if (type === 'req' && options.relaxed !== true) return new Lockstep('req');
    return undefined;
  }

  /** Takes the turn to send; throws EFSM when it is not this socket's. */
  take(): void {
    if (!this.ourTurn) {
      throw this.type === 'req'
        ? engineError('EFSM', 'a REQ socket must receive the reply before it sends again')
        : engineError('EFSM', 'a REP socket must receive a request before it replies');
    }
    this.ourTurn = false;
  }

  /** The send taken for did not happen: the turn is still this socket's. */
  giveBack(): void {
    this.ourTurn = true;
  }

  /** A message arrived (a REQ's reply, a REP's request): the socket may send. */
  received(): void {
    this.ourTurn = true;
  }
}
