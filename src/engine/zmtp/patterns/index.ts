import type { SocketType } from '../../types';
import { notSupported } from '../errors';
import { BalancingPattern } from './balancing';
import type { Pattern } from './pattern';
import { PubPattern, XPubPattern, type XPubOptions } from './pub';
import { PullPattern } from './pull';
import { RepPattern } from './rep';
import { ReqPattern } from './req';
import { RouterPattern } from './router';
import { SubPattern, XSubPattern } from './sub';

export { HOLD } from './pattern';
export type { Pattern, SendResult } from './pattern';
export { SubPattern } from './sub';

/** The options the patterns read. */
export interface PatternOptions extends XPubOptions {
  /** ROUTER: fail on unknown ids (EHOSTUNREACH) and hold for full peers. */
  mandatory?: boolean;
  /** ROUTER: a newcomer with a routing id in use takes it over (the old peer is disconnected). */
  handover?: boolean;
  /** REQ: allow a new request before the reply. */
  relaxed?: boolean;
  /** REQ: a request id frame before the delimiter; only the reply carrying the last id is taken. */
  correlate?: boolean;
}

/**
 * The routing rules of `type`.
 *
 */
export function createPattern(type: SocketType, options: PatternOptions): Pattern {
  switch (type) {
    case 'push':
    case 'dealer':
    case 'pair':
      return new BalancingPattern(type);
    case 'pull':
      return new PullPattern();
    case 'router':
      return new RouterPattern(options.mandatory ?? false, options.handover ?? false);
    case 'req':
      return new ReqPattern(options.relaxed ?? false, options.correlate ?? false);
    case 'rep':
      return new RepPattern();
    case 'pub':
      return new PubPattern(options);
    case 'sub':
      return new SubPattern(options);
    case 'xpub':
      return new XPubPattern(options);
    case 'xsub':
      return new XSubPattern();
    default:
      throw notSupported(`the ${String(type).toUpperCase()} socket type`);
  }
}
