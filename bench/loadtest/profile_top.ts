/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`, or `loadtest --cpu-prof DIR`): the
 * functions with the most self time, and self time per source file, so a profile can be read
 * without a browser. Run: `deno run -R bench/loadtest/profile_top.ts FILE [TOP] [FROM_END_MS] [TO_END_MS]`
 * (the window keeps only the steady state of a run, before its shutdown).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which samples count: those taken between `fromEndMs` and `toEndMs` before the profile's end. */
export interface SampleWindow {
  fromEndMs: number;
  toEndMs: number;
}

/** Self-time shares (0–1) by function and by file, largest first. */
export function selfTimes(profile: Profile, window?: SampleWindow): {
  functions: Array<[string, number]>;
  files: Array<[string, number]>;
  samples: number;
  idle: number;
} {
  const hits = new Map<number, number>();
  const times = new Array<number>(profile.samples.length);
  let t = profile.startTime;
  profile.timeDeltas.forEach((d, i) => times[i] = t += d);
  const from = profile.endTime - (window?.fromEndMs ?? Infinity) * 1000;
  const to = profile.endTime - (window?.toEndMs ?? 0) * 1000;
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (times[i] < from || times[i] > to) return;
    hits.set(id, (hits.get(id) ?? 0) + 1);
    total++;
  });
  const idleIds = profile.nodes.filter((n) =>
    n.callFrame.functionName === "(idle)"
  )
    .map((n) => n.id);
  const idle = idleIds.reduce((sum, id) => sum + (hits.get(id) ?? 0), 0);
  // Shares are of busy time: idle samples say nothing about where CPU goes.
  const busy = Math.max(1, total - idle);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (!n || idleIds.includes(node.id)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(node_modules|npm|perf)\//, "") ||
      "(native)";
    const fn = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n / busy);
    byFile.set(file, (byFile.get(file) ?? 0) + n / busy);
  }
  const sorted = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    functions: sorted(byFunction),
    files: sorted(byFile),
    samples: total,
    idle,
  };
}

if (import.meta.main) {
  const profile: Profile = JSON.parse(await Deno.readTextFile(Deno.args[0]));
  const [top, fromEndMs, toEndMs] = [30, Infinity, 0].map((d, i) =>
    Number(Deno.args[i + 1] ?? d)
  );
  const { functions, files, samples, idle } = selfTimes(profile, {
    fromEndMs,
    toEndMs,
  });
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  console.log(
    `${samples} samples, ${idle} idle; share of busy self time by function:`,
  );
  for (const [name, share] of functions.slice(0, top)) {
    console.log(`${pct(share)}  ${name}`);
  }
  console.log("\nself time by file:");
  for (const [name, share] of files.slice(0, top)) {
    console.log(`${pct(share)}  ${name}`);
  }
}
