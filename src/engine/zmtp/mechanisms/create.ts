import { CurveClient, type CurveClientKeys } from './curve-client';
import { CurveServer, type CurveServerKeys } from './curve-server';
import type { Mechanism, MechanismHost, ZapSettings } from './mechanism';
import { NullMechanism } from './null';
import { PlainClient } from './plain-client';
import { PlainServer } from './plain-server';

/** Which mechanism a socket's connections run, on which side, with what. */
export type Security =
  /** `refuse`: zapEnforceDomain with a domain, and NULL has no handler to ask (see zapMissing). */
  | { mechanism: 'NULL'; asServer: false; refuse?: { domain: string } }
  | { mechanism: 'PLAIN'; asServer: false; username: string; password: string }
  | { mechanism: 'PLAIN'; asServer: true; zap: ZapSettings }
  | { mechanism: 'CURVE'; asServer: false; keys: CurveClientKeys }
  | { mechanism: 'CURVE'; asServer: true; keys: CurveServerKeys; zap: ZapSettings };

/** No security: the NULL mechanism. */
export const NULL_SECURITY: Security = { mechanism: 'NULL', asServer: false };

/** The mechanism object one connection runs for `security`. */
export function createMechanism(security: Security, host: MechanismHost): Mechanism {
  switch (security.mechanism) {
    case 'NULL':
      return new NullMechanism(host, security.refuse?.domain);
    case 'PLAIN':
      return security.asServer
        ? new PlainServer(host, security.zap)
        : new PlainClient(host, security.username, security.password);
    case 'CURVE':
      return security.asServer ? new CurveServer(host, security.keys, security.zap) : new CurveClient(host, security.keys);
  }
}
