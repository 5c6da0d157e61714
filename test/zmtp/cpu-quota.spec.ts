/**
 * The CPUs a process may use, for `busyPoll`'s default: available
 * parallelism bounded by the cgroup CPU quota (v2 `cpu.max`, v1 CFS quota),
 * read from a fake file system here, and from the real one once.
 */
import { availableParallelism } from 'node:os';
import { cgroupCpuQuota, quotaOfCfs, quotaOfCpuMax, usableCpus, type ReadText } from '../../src/engine/cpu-quota';

/** A file system of these files only. */
const files =
  (entries: Record<string, string>): ReadText =>
  (path) =>
    entries[path];

describe('cgroup CPU quota', () => {
  it.each([
    ['max 100000\n', undefined],
    ['50000 100000\n', 0.5],
    ['150000 100000', 1.5],
    ['200000 50000', 4],
    ['0 100000', undefined],
    ['garbage', undefined],
    ['', undefined],
  ])('cpu.max %p allows %p CPUs', (text, cpus) => {
    expect(quotaOfCpuMax(text)).toBe(cpus);
  });

  it.each([
    ['-1\n', '100000\n', undefined],
    ['50000\n', '100000\n', 0.5],
    ['250000', '100000', 2.5],
    ['x', '100000', undefined],
  ])('cfs_quota_us %p over cfs_period_us %p allows %p CPUs', (quota, period, cpus) => {
    expect(quotaOfCfs(quota, period)).toBe(cpus);
  });

  it('reads cgroup v2 under the process own cgroup', () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods/burstable/pod1/abc\n',
      '/sys/fs/cgroup/kubepods/burstable/pod1/abc/cpu.max': '50000 100000\n',
    });
    expect(cgroupCpuQuota(read)).toBe(0.5);
    expect(usableCpus(read, 16)).toBe(0.5);
  });

  it("reads cgroup v2 at the namespace's root, as inside a container", () => {
    const read = files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '100000 100000\n' });
    expect(usableCpus(read, 8)).toBe(1);
  });

  it('reads cgroup v1 under the cpu controller (alone or joined with cpuacct)', () => {
    const joined = files({
      '/proc/self/cgroup': '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '150000\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(joined)).toBe(1.5);
    const alone = files({
      '/proc/self/cgroup': '1:cpu:/\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(alone)).toBeUndefined();
    expect(usableCpus(alone, 2)).toBe(2);
  });

  it('takes the tightest of the quotas it finds, and none when nothing can be read', () => {
    const read = files({
      '/proc/self/cgroup': '0::/app\n',
      '/sys/fs/cgroup/app/cpu.max': '300000 100000\n',
      '/sys/fs/cgroup/cpu.max': '120000 100000\n',
    });
    expect(cgroupCpuQuota(read)).toBe(1.2);
    expect(usableCpus(read, 1)).toBe(1); // affinity is tighter still
    expect(cgroupCpuQuota(files({}))).toBeUndefined();
    expect(usableCpus(files({}), 4)).toBe(4);
  });

  it('on this machine: never more than the available parallelism, never less than a sliver', () => {
    const cpus = usableCpus();
    expect(cpus).toBeLessThanOrEqual(availableParallelism());
    expect(cpus).toBeGreaterThan(0);
  });
});
