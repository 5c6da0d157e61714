/**
 * rxzmq demo: `npm run demo`. Three ZeroMQ patterns and RPC in one process, every
 * socket in one Context, closed together at the end (~11 s in all).
 * Each pattern is also a small example of its own:
 * pubsub.ts, pipeline.ts, request-reply.ts, rpc.ts.
 */
import { Context } from '../src';
import { since } from './helpers';
import { pipeline } from './pipeline';
import { pubSub } from './pubsub';
import { requestReply } from './request-reply';
import { rpc } from './rpc';

async function main(): Promise<void> {
  const context = new Context();
  const start = performance.now();
  try {
    await pubSub(context);
    await pipeline(context);
    await requestReply(context);
    await rpc(context);
  } finally {
    const open = context.size;
    const t = performance.now();
    await context.close();
    console.log(`\ncontext.close(): ${open} sockets closed in ${since(t).toFixed(0)} ms; demo took ${(since(start) / 1000).toFixed(1)} s`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
