import { encodeCommand, encodeMetadata, parseMetadata } from '../codec';
import { unexpected, type Mechanism, type MechanismHost } from './mechanism';
import { encodeHello } from './plain-hello';

const enum Step {
  Welcome,
  Ready,
  Done,
}

/** The client side of PLAIN (RFC 24): HELLO (user name, password), WELCOME, INITIATE (metadata), READY. */
export class PlainClient implements Mechanism {
  private step = Step.Welcome;

  constructor(
    private readonly host: MechanismHost,
    private readonly username: string,
    private readonly password: string,
  ) {}

  start(): void {
    this.host.send(encodeHello(this.username, this.password));
  }

  command(name: string, data: Buffer): void {
    if (this.step === Step.Welcome && name === 'WELCOME') {
      this.step = Step.Ready;
      this.host.send(encodeCommand('INITIATE', encodeMetadata(this.host.metadata)));
    } else if (this.step === Step.Ready && name === 'READY') {
      const metadata = parseMetadata(data);
      this.host.check(metadata);
      this.step = Step.Done;
      this.host.done({ metadata });
    } else throw unexpected(name, this.step === Step.Welcome ? 'WELCOME' : 'READY');
  }
}
