import { engineError } from '../errors';
import { BasePattern, type SendResult } from './pattern';

/** PULL: receives fair-queued from its PUSH peers; cannot send. */
export class PullPattern extends BasePattern {
  attach(): boolean {
    return true;
  }

  detach(): void {
    // nothing kept per peer
  }

  send(): SendResult {
    return engineError('ENOTSUP', 'a PULL socket cannot send');
  }
}
