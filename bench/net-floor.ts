/**
 * The floor under any two-process request-reply on this machine: a plain
 * Node `net` ping-pong of 16 bytes between two processes over loopback TCP
 * (no ZeroMQ, no framing), one round trip at a time. Each round trip costs
 * two wake-ups of a sleeping process; on an idle VM those dominate.
 *
 *   npx ts-node --transpile-only bench/net-floor.ts
 *
 * Environment: BENCH_CALLS (round trips, default 20000).
 */
import { fork } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);

if (process.argv[2] === 'echo') {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
} else {
  const child = fork(__filename, ['echo'], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
  child.once('message', (port) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.setNoDelay(true);
      const latencies: number[] = [];
      const body = Buffer.alloc(16);
      let sentAt = 0n;
      const ping = (): void => {
        sentAt = process.hrtime.bigint();
        socket.write(body);
      };
      socket.on('data', () => {
        latencies.push(Number(process.hrtime.bigint() - sentAt) / 1000);
        if (latencies.length < CALLS) return ping();
        latencies.sort((a, b) => a - b);
        const total = latencies.reduce((a, b) => a + b, 0) / 1e6;
        const at = (q: number): string => latencies[Math.floor(q * (CALLS - 1))]!.toFixed(0);
        console.log(`plain net, two processes: ${Math.round(CALLS / total)} round trips/s, p50 ${at(0.5)} µs, p99 ${at(0.99)} µs`);
        socket.destroy();
        child.kill();
      });
      ping();
    });
  });
}
