/**
 * How many CPUs this process may really use: the CPUs it may run on
 * (`os.availableParallelism()`, which follows the affinity mask) bounded by
 * its cgroup's CPU quota, which Node does not read. A container limited to
 * half a CPU on a 16-core host sees 16 CPUs and may use 0.5: a process
 * there that spins while it waits (busy polling) spends its quota on
 * nothing and is then throttled for the rest of the period, tens of
 * milliseconds during which nothing runs at all.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file's text, or undefined when it cannot be read. */
export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** CPUs a cgroup v2 `cpu.max` allows ("max 100000": no limit; "50000 100000": half a CPU). */
export function quotaOfCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  return ratio(quota, period);
}

/** CPUs a cgroup v1 CFS quota allows (`cpu.cfs_quota_us` over `cpu.cfs_period_us`; -1: no limit). */
export function quotaOfCfs(quota: string, period: string): number | undefined {
  return quota.trim() === '-1' ? undefined : ratio(quota, period);
}

function ratio(quota: string, period: string | undefined): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  return Number.isFinite(q) && q > 0 && Number.isFinite(p) && p > 0 ? q / p : undefined;
}

/**
 * The CPU quota of this process's cgroup, in CPUs, or undefined when there
 * is none (or none can be read). Looks where cgroup v2 and v1 keep it: under
 * the process's own cgroup path from /proc/self/cgroup, then at the root of
 * the hierarchy (inside a container the root is usually the container's).
 */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  const quotas: number[] = [];
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line.trim()) ?? [];
    if (controllers === undefined || path === undefined) continue;
    // cgroup v2 lists no controllers; v1 names them, and the CPU quota belongs to `cpu`.
    const quotaIn = controllers === '' ? v2Quota : controllers.split(',').includes('cpu') ? v1Quota(controllers) : undefined;
    for (const dir of path === '/' ? [''] : [path, '']) {
      const quota = quotaIn?.(read, dir);
      if (quota !== undefined) quotas.push(quota);
    }
  }
  return quotas.length === 0 ? undefined : Math.min(...quotas);
}

/** The cgroup v2 quota of the cgroup at `dir` (the unified hierarchy, mounted alone or beside v1's). */
function v2Quota(read: ReadText, dir: string): number | undefined {
  const text = read(`/sys/fs/cgroup${dir}/cpu.max`) ?? read(`/sys/fs/cgroup/unified${dir}/cpu.max`);
  return text === undefined ? undefined : quotaOfCpuMax(text);
}

/** The cgroup v1 quota of the cgroup at `dir` in the hierarchy of `controllers` (`cpu`, `cpu,cpuacct`, ...). */
const v1Quota =
  (controllers: string) =>
  (read: ReadText, dir: string): number | undefined => {
    const base = `/sys/fs/cgroup/${controllers}${dir}`;
    const quota = read(`${base}/cpu.cfs_quota_us`);
    const period = read(`${base}/cpu.cfs_period_us`);
    return quota === undefined || period === undefined ? undefined : quotaOfCfs(quota, period);
  };

/**
 * CPUs this process may use: its available parallelism bounded by its
 * cgroup's quota (fractions kept: 1.5 means one and a half).
 *
 * @example
 * ```ts
 * const busyPoll = usableCpus() >= 2 ? 'auto' : 0; // as the zmtp engine's default
 * ```
 */
export function usableCpus(read: ReadText = readText, parallelism = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  return quota === undefined ? parallelism : Math.min(parallelism, quota);
}
