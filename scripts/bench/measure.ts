/** Timing helpers for a shared machine: warm-ups, minimums of repeats, and how busy the other processes were. */
import { readFileSync } from 'node:fs';

export interface Timed<T> {
  seconds: number;
  result: T;
}

/**
 * The fastest of `runs` timed runs of `work` after `warmUps` untimed ones (the first runs pay for onnxruntime's
 * arena growth and kernel selection; on a shared machine the minimum is the steadiest figure).
 */
export async function fastest<T>(work: () => Promise<T>, runs: number, warmUps = 1): Promise<Timed<T>> {
  let result!: T;
  for (let i = 0; i < warmUps; i += 1) result = await work();
  let seconds = Infinity;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    result = await work();
    seconds = Math.min(seconds, (performance.now() - started) / 1000);
  }
  return { seconds, result };
}

/**
 * Two measurements taken in alternating rounds (ours, theirs, ours, theirs, …), each the fastest it reached, so
 * that a burst of load from another process hits both sides rather than one. Each side starts after a pause:
 * OpenBLAS's and onnxruntime's worker threads keep spinning for a while after a call, and would otherwise
 * take cores from the side that runs next.
 */
export async function alternating(
  rounds: number,
  ours: () => Promise<number>,
  theirs: () => Promise<number>,
): Promise<[number, number]> {
  let [a, b] = [Infinity, Infinity];
  for (let round = 0; round < rounds; round += 1) {
    await idle();
    a = Math.min(a, await ours());
    await idle();
    b = Math.min(b, await theirs());
  }
  return [a, b];
}

/** Long enough for spinning worker threads to go to sleep (OpenBLAS's default is 2^28 cycles, ~0.1 s). */
const SPIN_SECONDS = 0.3;

function idle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SPIN_SECONDS * 1000));
}

/** CPU seconds all processes of the machine have used (from /proc/stat), or undefined off Linux. */
export function machineCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait is work.
    const busy = fields.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
    return busy / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by a process, from /proc/PID/stat (utime + stime), or 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * This process's peak resident memory in bytes. Linux's `ru_maxrss` (Node's `resourceUsage().maxRSS`) starts a
 * child at its parent's RSS when it forked, so a child of the 2.5 GB bench would report at least that; the
 * address space's own high-water mark (`VmHWM`) starts afresh at exec. Elsewhere `maxRSS` is what there is.
 */
export function peakRssBytes(): number {
  try {
    const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kilobytes !== undefined) return Number(kilobytes) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
