import assert from "node:assert/strict";
import { GroupStream } from "../../gateway/group_stream.ts";

function harness(
  fill: (after: number, to: number) => Promise<number[] | null>,
) {
  const sent: string[] = [];
  const stream = new GroupStream({
    sendText: (t) => sent.push(t),
    serialize: (m) => `replay:${(m as { seq: number }).seq}`,
    resync: () => sent.push("resync"),
    fill: async (after, to) =>
      (await fill(after, to))?.map((seq) => ({ seq })) ?? null,
  });
  return { stream, sent };
}

Deno.test("GroupStream holds live messages until the replay is sent, then drops what the replay covered", async () => {
  const { stream, sent } = harness(() => Promise.resolve([]));
  stream.offer(3, "live:3");
  stream.offer(4, "live:4");
  await stream.begin(1, [{ seq: 2 }, { seq: 3 }]);
  assert.deepEqual(sent, ["replay:2", "replay:3", "live:4"]);
  stream.offer(4, "live:4");
  stream.offer(5, "live:5");
  assert.deepEqual(sent.slice(3), ["live:5"]);
  assert.equal(stream.lastSeq, 5);
});

Deno.test("GroupStream fills a gap seen live from the fill source, in order", async () => {
  const { stream, sent } = harness((after, to) =>
    Promise.resolve(Array.from({ length: to - after }, (_, i) => after + 1 + i))
  );
  await stream.begin(1, []);
  stream.offer(4, "live:4");
  stream.offer(5, "live:5");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sent, ["replay:2", "replay:3", "live:4", "live:5"]);
});

Deno.test("GroupStream sends resync when a gap cannot be filled, and goes on live", async () => {
  const { stream, sent } = harness(() => Promise.resolve(null));
  await stream.begin(1, []);
  stream.offer(5, "live:5");
  await new Promise((r) => setTimeout(r, 0));
  stream.offer(6, "live:6");
  assert.deepEqual(sent, ["resync", "live:5", "live:6"]);
});

Deno.test("GroupStream delivers nothing after close", async () => {
  const { stream, sent } = harness(() => Promise.resolve([]));
  await stream.begin(0, []);
  stream.close();
  stream.offer(1, "live:1");
  assert.deepEqual(sent, []);
});

Deno.test("GroupStream waits for room in the socket's queue between replayed messages", async () => {
  const sent: string[] = [];
  let open!: () => void;
  let full = true;
  const stream = new GroupStream({
    sendText: (t) => sent.push(t),
    serialize: (m) => `replay:${(m as { seq: number }).seq}`,
    resync: () => sent.push("resync"),
    fill: () => Promise.resolve([]),
    room: () =>
      sent.length === 1 && full
        ? new Promise<void>((r) => open = () => (full = false, r()))
        : null,
  });
  const done = stream.begin(0, [{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
  stream.offer(4, "live:4");
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(sent, ["replay:1"]);
  open();
  await done;
  assert.deepEqual(sent, ["replay:1", "replay:2", "replay:3", "live:4"]);
});

Deno.test("GroupStream stops a paced replay when it is closed", async () => {
  const sent: string[] = [];
  let open!: () => void;
  const stream = new GroupStream({
    sendText: (t) => sent.push(t),
    serialize: (m) => `replay:${(m as { seq: number }).seq}`,
    resync: () => sent.push("resync"),
    fill: () => Promise.resolve([]),
    room: () => sent.length === 1 ? new Promise<void>((r) => open = r) : null,
  });
  const done = stream.begin(0, [{ seq: 1 }, { seq: 2 }]);
  await new Promise((r) => setTimeout(r, 10));
  stream.close();
  open();
  await done;
  assert.deepEqual(sent, ["replay:1"]);
});
