/**
 * CPU per message of the embedded bus's append and of the persistence projector, without
 * sockets: `deno run -A --unstable-kv bench/append_cost.ts [GROUPS] [BATCH] [ROUNDS]`.
 * Each round appends one message to each of GROUPS groups BATCH times (ten senders in ten
 * groups, as in the load test's first row), then lets the projector write them as one batch.
 * It reads this process's own CPU time (all threads: the KV file's SQLite thread too), so it
 * stays comparable on a busy machine, where wall-clock benchmarks do not. For comparing runs on
 * one machine only, never asserted in tests.
 */
import { KvBus } from "../lib/bus/kv_bus.ts";
import { PersistenceProjector } from "../lib/persistence/projector.ts";
import { KvStore } from "../lib/store/kv_store.ts";

const [groups = 10, batch = 1, rounds = 300] = Deno.args.map(Number);

/** This process's CPU time in ms (user + system, every thread), from /proc. */
function cpuMs(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]
    .split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const dir = await Deno.makeTempDir({ prefix: "salvioris-append-cost-" });
const kv = await Deno.openKv(`${dir}/bench.kv`);
const store = KvStore.fromKv(kv);
const bus = await KvBus.open(kv, { closeKv: false });
const projector = new PersistenceProjector({
  bus,
  store,
  consumer: "bench",
});
let n = 0;
const appendRound = () =>
  Promise.all(
    Array.from({ length: groups }, (_, g) =>
      bus.append({
        id: `m${++n}`,
        group_id: `g${g}`,
        author: { id: `u${g}`, username: `u${g}` },
        text: "x".repeat(64),
        nonce: `n${n}`,
        created_at: new Date().toISOString(),
      }, { floorSeq: 0, floorRev: 0 })),
  );

async function measure(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const start = cpuMs();
  for (let i = 0; i < rounds; i++) await run();
  return (cpuMs() - start) * 1000 / (rounds * groups * batch);
}

const append = await measure(async () => {
  for (let b = 0; b < batch; b++) await appendRound();
});
await projector.drain();
const both = await measure(async () => {
  for (let b = 0; b < batch; b++) await appendRound();
  await projector.drain();
});
console.log(
  `${groups} groups, batches of ${groups * batch}: append ${
    append.toFixed(0)
  } µs, ` +
    `projector ${(both - append).toFixed(0)} µs CPU per message`,
);
await bus.close();
kv.close();
await Deno.remove(dir, { recursive: true });
