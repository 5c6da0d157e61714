/**
 * Baseline of bench/rpc.ts: Python aiozmq.rpc, measured by
 * bench/python/aiozmq_bench.py (server and client in one asyncio loop, the
 * same plan as the Node variants) in a child process; this side spawns it,
 * waits, and reads its one JSON line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Plan, Sample } from './rpc-harness';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'python', 'aiozmq_bench.py');

/** Versions reported by the script, e.g. `{ python: '3.11.2', aiozmq: '1.0.0', ... }`. */
export type PythonVersions = Record<string, string>;

/** aiozmq's, pyzmq's and Python's versions when /usr/bin/python3 can import aiozmq.rpc, else undefined. */
export function aiozmqVersions(): PythonVersions | undefined {
  const probe = spawnSync(
    PYTHON,
    ['-c', 'import json, platform, aiozmq, aiozmq.rpc, msgpack, zmq; print(json.dumps({"python": platform.python_version(), "aiozmq": aiozmq.__version__, "pyzmq": zmq.pyzmq_version(), "libzmq": zmq.zmq_version()}))'],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (probe.status !== 0) return undefined;
  return JSON.parse(probe.stdout) as PythonVersions;
}

/** Runs the Python benchmark once with `plan` and returns its figures. */
export function measureAiozmq(plan: Plan): Promise<Sample> {
  const args = [SCRIPT, '--warmup', String(plan.warmup), '--in-flight', String(plan.inFlight)];
  args.push(...(plan.calls !== undefined ? ['--calls', String(plan.calls)] : ['--seconds', String(plan.seconds)]));
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${SCRIPT} exited with ${signal ?? code}:\n${stderr}`));
        return;
      }
      try {
        const lines = stdout.trim().split('\n');
        const { rate1, rateMany, p50, p99 } = JSON.parse(lines[lines.length - 1]!) as Sample;
        resolve({ rate1, rateMany, p50, p99 });
      } catch (err) {
        reject(new Error(`cannot read ${SCRIPT}'s output ${JSON.stringify(stdout)}: ${String(err)}`));
      }
    });
  });
}
