/**
 * RPC handlers: a class with @remote methods, a resolver for names not known
 * in advance, keyword arguments, argument validation with a Standard Schema
 * validator, your own error class through the error table, and your own
 * value class through the translation table.
 * Run alone: `npx ts-node --transpile-only examples/rpc-handlers.ts`.
 */
import { Context } from '../src';
import { connectRpc, kwargs, method, remote, serveRpc, type StandardSchemaV1, type TranslationTable } from '../src/rpc';
import { header, runAlone } from './helpers';

/** A value class that travels as msgpack extension type 1 (both sides register it). */
class Money {
  constructor(
    readonly cents: number,
    readonly currency: string,
  ) {}
  toString(): string {
    return `${(this.cents / 100).toFixed(2)} ${this.currency}`;
  }
}
const translationTable: TranslationTable = {
  1: {
    Class: Money,
    pack: (m: Money) => Buffer.from(JSON.stringify([m.cents, m.currency])),
    unpack: (data) => {
      const [cents, currency] = JSON.parse(Buffer.from(data).toString()) as [number, string];
      return new Money(cents, currency);
    },
  },
};

/** An error class of ours; the client rebuilds it from its name through `errorTable`. */
class InsufficientFunds extends Error {
  override name = 'InsufficientFunds';
}

/** A minimal Standard Schema validator (zod, valibot or arktype schemas fit the same slot). */
const positiveAmount: StandardSchemaV1<[Money]> = {
  '~standard': {
    version: 1,
    vendor: 'example',
    validate: (args) =>
      Array.isArray(args) && args[0] instanceof Money && args[0].cents > 0
        ? { value: args as [Money] }
        : { issues: [{ message: 'amount must be a positive Money' }] },
  },
};

class Account {
  private balance = new Money(10_000, 'EUR');

  @remote()
  current(): Money {
    return this.balance;
  }

  @remote({ args: positiveAmount })
  withdraw(amount: Money): Money {
    if (amount.cents > this.balance.cents) throw new InsufficientFunds(`cannot withdraw ${amount}: ${this.balance} left`);
    this.balance = new Money(this.balance.cents - amount.cents, 'EUR');
    return this.balance;
  }

  /** Not marked: no client can call it. */
  reset(): void {
    this.balance = new Money(0, 'EUR');
  }
}

interface Api {
  account: { current(): Money; withdraw(amount: Money): Money; reset(): void };
  greet(name: string, greeting?: string): string;
  tools: { upper(s: string): string };
}

export async function rpcHandlers(context: Context): Promise<void> {
  header('RPC handlers: @remote classes, resolvers, kwargs, schemas, error and translation tables');
  const tools: Record<string, (s: string) => string> = { 'tools.upper': (s) => s.toUpperCase() };
  const service = await serveRpc(
    {
      account: new Account(),
      greet: method((name: string, greeting = 'hello') => `${greeting}, ${name}`, { params: ['name', 'greeting?'] }),
    },
    { bind: 'tcp://127.0.0.1:*', context, linger: 0, translationTable },
  );
  const dynamic = await serveRpc((name: string) => tools[name], { bind: 'tcp://127.0.0.1:*', context, linger: 0 });
  const client = await connectRpc<Api>({
    connect: service.endpoints[0]!,
    context,
    linger: 0,
    translationTable,
    errorTable: { InsufficientFunds },
  });
  const other = await connectRpc<Api>({ connect: dynamic.endpoints[0]!, context, linger: 0 });

  console.log(`balance: ${await client.call.account.current()}`);
  console.log(`after withdrawing 25.00 EUR: ${await client.call.account.withdraw(new Money(2_500, 'EUR'))}`);
  for (const attempt of [new Money(-1, 'EUR'), new Money(1_000_000, 'EUR')]) {
    const err = (await client.call.account.withdraw(attempt).catch((e: Error) => e)) as Error;
    console.log(`withdraw ${attempt}: ${err.name}: ${err.message}`);
  }
  const hidden = (await client.call.account.reset().catch((e: Error) => e)) as Error;
  console.log(`account.reset(): ${hidden.name} (not marked @remote)`);
  console.log(`greet('Ada', greeting='hi') with kwargs: ${await client.call.greet('Ada', kwargs({ greeting: 'hi' }))}`);
  console.log(`resolver: tools.upper('rxzmq') = ${await other.call.tools.upper('rxzmq')}`);
}

if (require.main === module) runAlone(rpcHandlers);
