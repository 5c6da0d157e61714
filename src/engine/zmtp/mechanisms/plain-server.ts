import { encodeCommand, encodeReady, parseMetadata } from '../codec';
import { unexpected, ZmtpAuthError, type Mechanism, type MechanismHost, type ZapSettings } from './mechanism';
import { parseHello } from './plain-hello';
import { callZap, type ZapOutcome } from './zap';

const enum Step {
  Hello,
  Zap,
  Initiate,
  Done,
}

/**
 * The server side of PLAIN (RFC 24): reads HELLO, asks ZAP about the user
 * name and password, answers WELCOME (or ERROR with the ZAP status code),
 * then reads INITIATE and answers READY. Without an `authenticate` handler
 * every client is refused (status 500), as libzmq 4.3 refuses PLAIN
 * clients when no ZAP handler is bound.
 */
export class PlainServer implements Mechanism {
  private step = Step.Hello;
  private auth: ZapOutcome | undefined;

  constructor(
    private readonly host: MechanismHost,
    private readonly zap: ZapSettings,
  ) {}

  start(): void {
    // The client speaks first.
  }

  command(name: string, data: Buffer): void {
    if (this.step === Step.Hello && name === 'HELLO') {
      const credentials = parseHello(data);
      this.step = Step.Zap;
      const { authenticate, domain, identity } = this.zap;
      const request = { domain, address: this.host.address, identity, mechanism: 'PLAIN' as const, credentials };
      // libzmq refuses every PLAIN client when no ZAP handler is there: a password nobody checks is no security.
      if (!authenticate) this.authenticated({ allowed: false, statusCode: 500 });
      else callZap(authenticate, request, (outcome) => this.authenticated(outcome));
    } else if (this.step === Step.Initiate && name === 'INITIATE') {
      const metadata = parseMetadata(data);
      this.host.check(metadata);
      this.step = Step.Done;
      this.host.send(encodeReady(this.host.metadata));
      this.host.done({ metadata, userId: this.auth?.userId, zapMetadata: this.auth?.metadata });
    } else throw unexpected(name, this.step === Step.Initiate ? 'INITIATE' : 'HELLO');
  }

  private authenticated(outcome: ZapOutcome): void {
    if (this.host.closed) return;
    if (!outcome.allowed) {
      this.host.fail(new ZmtpAuthError(String(outcome.statusCode), `PLAIN client refused (ZAP status ${outcome.statusCode})`));
      return;
    }
    this.auth = outcome;
    this.step = Step.Initiate;
    this.host.send(encodeCommand('WELCOME'));
  }
}
