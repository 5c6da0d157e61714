import { encodeReady, parseMetadata } from '../codec';
import { unexpected, zapUnavailable, type Mechanism, type MechanismHost } from './mechanism';

/** NULL (RFC 23): both sides send READY with their metadata; no security. */
export class NullMechanism implements Mechanism {
  constructor(
    private readonly host: MechanismHost,
    /** Set: ZAP is enforced for this domain and nobody can answer it, so no peer gets in. */
    private readonly refusedDomain?: string,
  ) {}

  start(): void {
    if (this.refusedDomain !== undefined) return this.host.fail(zapUnavailable(this.refusedDomain));
    this.host.send(encodeReady(this.host.metadata));
  }

  command(name: string, data: Buffer): void {
    if (name !== 'READY') throw unexpected(name, 'READY');
    const metadata = parseMetadata(data);
    this.host.check(metadata);
    this.host.done({ metadata });
  }
}
