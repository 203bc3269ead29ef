/**
 * A process's own accounting from Linux `/proc`: CPU time (user + system) and resident memory.
 * Server cost is read from the server processes themselves, so the load generator's CPU, and
 * other programs sharing the machine, do not count toward it.
 */

/** Clock ticks per second of `/proc/PID/stat` times (`getconf CLK_TCK`; 100 on Linux). */
export const clockTicksPerSec = 100;

/** utime + stime, in clock ticks, from the text of `/proc/PID/stat`. */
export function parseCpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces and ')': skip past the last.
  const close = stat.lastIndexOf(")");
  if (close < 0) throw new Error("Cannot parse /proc stat: no command name");
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error("Cannot parse /proc stat: utime or stime is missing");
  }
  return utime + stime;
}

/** Resident set size in bytes, from the text of `/proc/PID/status`. */
export function parseRssBytes(status: string): number {
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (!match) throw new Error("Cannot parse /proc status: VmRSS is missing");
  return Number(match[1]) * 1024;
}

/** CPU time the process has used so far, in microseconds. */
export function cpuMicros(pid: number): number {
  const ticks = parseCpuTicks(Deno.readTextFileSync(`/proc/${pid}/stat`));
  return ticks * (1e6 / clockTicksPerSec);
}

/** Summed CPU time of several processes, in microseconds. */
export function totalCpuMicros(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
}

/** Resident memory of a process now, in bytes. */
export function rssBytes(pid: number): number {
  return parseRssBytes(Deno.readTextFileSync(`/proc/${pid}/status`));
}
