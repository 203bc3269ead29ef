import assert from "node:assert/strict";
import { GroupStream, type StreamItem } from "../../gateway/group_stream.ts";

const live = (rev: number, newSeq?: number): StreamItem => ({
  rev,
  ...(newSeq === undefined ? {} : { newSeq }),
  text: `live:${rev}`,
});

function harness(
  fill: (after: number, to: number) => Promise<number[] | null>,
) {
  const sent: string[] = [];
  // Resyncs and fills name the stream's group: the sink and the fill source are shared.
  const stream = new GroupStream(
    "g",
    {
      sendText: (t) => sent.push(t),
      resync: (groupId) => sent.push(groupId === "g" ? "resync" : "resync?"),
    },
    async (groupId, after, to) =>
      groupId === "g"
        ? (await fill(after, to))?.map((rev) => ({
          rev,
          text: `replay:${rev}`,
        })) ?? null
        : null,
  );
  return { stream, sent };
}

Deno.test("GroupStream holds live events until the replay is sent, then drops what the replay covered", async () => {
  const { stream, sent } = harness(() => Promise.resolve([]));
  stream.offer(live(3));
  stream.offer(live(4));
  await stream.begin(3, ["replay:2", "replay:3"]);
  assert.deepEqual(sent, ["replay:2", "replay:3", "live:4"]);
  stream.offer(live(4));
  stream.offer(live(5));
  assert.deepEqual(sent.slice(3), ["live:5"]);
  assert.equal(stream.lastRev, 5);
});

Deno.test("GroupStream fills a gap seen live from the fill source, in rev order", async () => {
  const { stream, sent } = harness((after, to) =>
    Promise.resolve(Array.from({ length: to - after }, (_, i) => after + 1 + i))
  );
  await stream.begin(1, []);
  stream.offer(live(4));
  stream.offer(live(5));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sent, ["replay:2", "replay:3", "live:4", "live:5"]);
});

Deno.test("GroupStream sends resync when a gap cannot be filled, and goes on live", async () => {
  const { stream, sent } = harness(() => Promise.resolve(null));
  await stream.begin(1, []);
  stream.offer(live(5));
  await new Promise((r) => setTimeout(r, 0));
  stream.offer(live(6));
  assert.deepEqual(sent, ["resync", "live:5", "live:6"]);
});

Deno.test("GroupStream skips new messages a replay by seq already sent, but not changes", async () => {
  const { stream, sent } = harness(() => Promise.resolve([]));
  stream.offer(live(8, 4));
  stream.offer(live(9));
  stream.offer(live(10, 5));
  await stream.begin(7, ["replay-seq:3", "replay-seq:4"], 4);
  assert.deepEqual(sent, ["replay-seq:3", "replay-seq:4", "live:9", "live:10"]);
});

Deno.test("GroupStream delivers nothing after close", async () => {
  const { stream, sent } = harness(() => Promise.resolve([]));
  await stream.begin(0, []);
  stream.close();
  stream.offer(live(1));
  assert.deepEqual(sent, []);
});

Deno.test("GroupStream waits for room in the socket's queue between replayed events", async () => {
  const sent: string[] = [];
  let open!: () => void;
  let full = true;
  const stream = new GroupStream("g", {
    sendText: (t) => sent.push(t),
    resync: () => sent.push("resync"),
    room: () =>
      sent.length === 1 && full
        ? new Promise<void>((r) => open = () => (full = false, r()))
        : null,
  }, () => Promise.resolve([]));
  const done = stream.begin(3, ["replay:1", "replay:2", "replay:3"]);
  stream.offer(live(4));
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(sent, ["replay:1"]);
  open();
  await done;
  assert.deepEqual(sent, ["replay:1", "replay:2", "replay:3", "live:4"]);
});

Deno.test("GroupStream stops a paced replay when it is closed", async () => {
  const sent: string[] = [];
  let open!: () => void;
  const stream = new GroupStream("g", {
    sendText: (t) => sent.push(t),
    resync: () => sent.push("resync"),
    room: () => sent.length === 1 ? new Promise<void>((r) => open = r) : null,
  }, () => Promise.resolve([]));
  const done = stream.begin(2, ["replay:1", "replay:2"]);
  await new Promise((r) => setTimeout(r, 10));
  stream.close();
  open();
  await done;
  assert.deepEqual(sent, ["replay:1"]);
});
