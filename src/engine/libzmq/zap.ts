/**
 * ZAP (RFC 27) for the libzmq engine: libzmq asks whatever is bound on
 * `inproc://zeromq.zap.01` in a server socket's context about each PLAIN
 * or CURVE client. One zeromq.js Router per context is bound there while
 * at least one socket has an `authenticate` handler; it dispatches each
 * request to the handler registered for its ZAP domain.
 */
import * as zmq from 'zeromq';
import { encodeMetadata } from '../zmtp/codec';
import { callZap, type ZapHandler, type ZapOutcome, type ZapRequest } from '../zmtp/mechanisms/zap';

const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';
/** A Router closed a moment ago may hold the endpoint for a few ms; this many tries, this far apart. */
const BIND_TRIES = 20;
const BIND_RETRY_MS = 10;

/** A socket's registration: `ready` settles once the Router is bound; `release` unregisters. */
export interface ZapRegistration {
  readonly ready: Promise<void>;
  release(): void;
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 300: 'Try later', 400: 'Refused', 500: 'Handler failed' };

/** The ZAP Router of one context and the handlers by domain. */
class ZapService {
  private readonly handlers = new Map<string, ZapHandler>();
  /** Domains that sockets without a handler enforce (zapEnforceDomain), with how many sockets do. */
  private readonly enforced = new Map<string, number>();
  private router: zmq.Router | undefined;
  private bound: Promise<void> = Promise.resolve();
  /** zeromq.js allows one send at a time; replies of async handlers queue here. */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly context: zmq.Context) {}

  register(domain: string, handler: ZapHandler): ZapRegistration {
    if (this.handlers.has(domain)) {
      throw new TypeError(`rxzmq: another socket already authenticates ZAP domain '${domain}' (set zapDomain)`);
    }
    this.handlers.set(domain, handler);
    if (!this.router) this.start();
    let released = false;
    return {
      ready: this.bound,
      release: () => {
        if (released) return;
        released = true;
        this.handlers.delete(domain);
        if (this.handlers.size === 0) this.stop();
      },
    };
  }

  /**
   * A socket without a handler enforces `domain`: libzmq refuses its clients
   * when nothing answers ZAP, and this Router, when another socket has it
   * bound, must not answer for it as if there were no ZAP. Returns the
   * release.
   */
  enforce(domain: string): () => void {
    this.enforced.set(domain, (this.enforced.get(domain) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.enforced.get(domain)! - 1;
      if (left > 0) this.enforced.set(domain, left);
      else this.enforced.delete(domain);
    };
  }

  private start(): void {
    const router = new zmq.Router({ context: this.context, linger: 0 });
    this.router = router;
    this.bound = bind(router);
    // Keep a failed bind from being an unhandled rejection; sockets see it through `ready`.
    this.bound.then(() => this.serve(router), () => undefined);
  }

  private stop(): void {
    this.router?.close();
    this.router = undefined;
  }

  private async serve(router: zmq.Router): Promise<void> {
    try {
      for await (const frames of router) this.answer(router, frames);
    } catch {
      // The Router closed.
    }
  }

  private answer(router: zmq.Router, frames: Buffer[]): void {
    const [id, delimiter, version, requestId, domain, address, identity, mechanism, ...credentials] = frames;
    const reply = (outcome: ZapOutcome): void => {
      const metadata = outcome.metadata ? encodeMetadata(outcome.metadata) : Buffer.alloc(0);
      const text = STATUS_TEXT[outcome.statusCode] ?? 'Refused';
      const message = [id, delimiter, version, requestId, String(outcome.statusCode), text, outcome.userId ?? '', metadata];
      this.sending = this.sending.then(() => router.send(message)).catch(() => undefined);
    };
    if (!mechanism || version?.toString() !== '1.0') return reply({ allowed: false, statusCode: 500 });
    const name = mechanism.toString();
    const handler = this.handlers.get(domain.toString());
    if (!handler) {
      // A socket without a handler keeps libzmq's behaviour without ZAP: CURVE and NULL in, PLAIN out,
      // everyone out where the socket enforces its domain.
      const refused = name === 'PLAIN' || this.enforced.has(domain.toString());
      return reply(refused ? { allowed: false, statusCode: 400 } : { allowed: true, statusCode: 200 });
    }
    const request = requestOf(domain, address, identity, name, credentials);
    if (!request) return reply({ allowed: false, statusCode: 500 });
    callZap(handler, request, reply);
  }
}

function requestOf(domain: Buffer, address: Buffer, identity: Buffer, mechanism: string, credentials: Buffer[]): ZapRequest | undefined {
  const base = { domain: domain.toString(), address: address.toString(), identity: Buffer.from(identity) };
  if (mechanism === 'PLAIN' && credentials.length === 2) {
    return { ...base, mechanism, credentials: { username: credentials[0].toString(), password: credentials[1].toString() } };
  }
  if (mechanism === 'CURVE' && credentials.length === 1 && credentials[0].length === 32) {
    return { ...base, mechanism, credentials: { publicKey: Buffer.from(credentials[0]) } };
  }
  return undefined;
}

async function bind(router: zmq.Router): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await router.bind(ZAP_ENDPOINT);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= BIND_TRIES || router.closed) {
        throw Object.assign(
          new Error(`rxzmq: cannot bind the ZAP handler on ${ZAP_ENDPOINT}: ${(err as Error).message} (is another ZAP handler bound in this context?)`),
          { code: (err as { code?: string }).code, cause: err },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, BIND_RETRY_MS));
    }
  }
}

const services = new WeakMap<zmq.Context, ZapService>();
let domains = 0;

/**
 * Registers `handler` for the sockets of `context` (zeromq.js's default
 * when undefined) under `domain`, or under a fresh domain when none is
 * given; returns the domain to set on the socket and the registration.
 *
 * @throws TypeError when another live socket already registered `domain`
 */
/** The ZAP service of `context` (zeromq.js's default when undefined). */
function serviceOf(context: zmq.Context | undefined): ZapService {
  const ctx = context ?? zmq.context;
  let service = services.get(ctx);
  if (!service) services.set(ctx, (service = new ZapService(ctx)));
  return service;
}

/**
 * Records that a socket of `context` without a handler enforces `domain`
 * (zapEnforceDomain): the shared Router refuses its clients too. Returns the
 * release, for when the socket closes.
 */
export function enforceZapDomain(context: zmq.Context | undefined, domain: string): () => void {
  return serviceOf(context).enforce(domain);
}

export function registerZap(
  context: zmq.Context | undefined,
  domain: string | undefined,
  handler: ZapHandler,
): { domain: string; registration: ZapRegistration } {
  const name = domain || `rxzmq-zap-${++domains}`;
  return { domain: name, registration: serviceOf(context).register(name, handler) };
}
