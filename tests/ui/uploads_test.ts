/** The upload queue: progress per file, cancel, retry after failure, and what a message takes. */
import assert from "node:assert/strict";
import type { Attachment } from "../../lib/protocol/types.ts";
import { UploadQueue } from "../../lib/ui/uploads.ts";
import type { Uploader } from "../../lib/ui/xhr_upload.ts";

/** A controllable uploader: each call is recorded and settled by the test. */
function fakeUploader() {
  const calls: {
    url: string;
    progress: (loaded: number, total: number) => void;
    resolve: (a: Attachment) => void;
    reject: (e: Error) => void;
    aborted: boolean;
  }[] = [];
  const upload: Uploader = (url, _file, progress) => {
    let resolve!: (a: Attachment) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<Attachment>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const call = { url, progress, resolve, reject, aborted: false };
    calls.push(call);
    return {
      done,
      abort: () => {
        call.aborted = true;
        reject(new Error("Cancelled."));
      },
    };
  };
  return { upload, calls };
}

const file = (name: string, size = 10) =>
  Object.assign(new Blob([new Uint8Array(size)]), { name });
const attachment = (id: string): Attachment => ({
  id,
  name: `${id}.png`,
  content_type: "image/png",
  size: 10,
  url: `/a/${id}`,
});
const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("several files upload at once, each with its own progress, and a message takes the finished ones", async () => {
  const { upload, calls } = fakeUploader();
  const q = new UploadQueue(upload);
  q.add("g1", [file("a.png"), file("b.pdf")]);
  assert.equal(calls.length, 2);
  assert.match(calls[0].url, /^\/api\/groups\/g1\/attachments\?name=a\.png$/);
  calls[0].progress(5, 10);
  assert.deepStrictEqual(q.forGroup("g1").map((u) => u.progress), [0.5, 0]);
  assert.equal(q.busy("g1"), true);
  calls[0].resolve(attachment("a"));
  calls[1].resolve(attachment("b"));
  await tick();
  assert.equal(q.busy("g1"), false);
  assert.deepStrictEqual(q.readyIds("g1"), ["a", "b"]);
  assert.deepStrictEqual(q.readyIds("other"), []);
  q.takeGroup("g1");
  assert.deepStrictEqual(q.forGroup("g1"), []);
});

Deno.test("a cancelled upload is aborted and gone; a failed one can be retried", async () => {
  const { upload, calls } = fakeUploader();
  const q = new UploadQueue(upload);
  q.add("g1", [file("big.bin"), file("flaky.bin")]);
  q.cancel(q.forGroup("g1")[0].key);
  assert.equal(calls[0].aborted, true);
  calls[1].reject(new Error("Upload failed: no connection."));
  await tick();
  const [flaky] = q.forGroup("g1");
  assert.equal(flaky.status, "failed");
  assert.equal(flaky.error, "Upload failed: no connection.");
  q.retry(flaky.key);
  assert.equal(calls.length, 3);
  assert.equal(q.forGroup("g1")[0].status, "uploading");
  calls[2].resolve(attachment("f"));
  await tick();
  assert.deepStrictEqual(q.readyIds("g1"), ["f"]);
});

Deno.test("at most 10 files wait for one message; more are refused with a sentence", () => {
  const { upload } = fakeUploader();
  const q = new UploadQueue(upload);
  assert.equal(
    q.add("g1", Array.from({ length: 10 }, (_, i) => file(`${i}`))),
    null,
  );
  assert.match(q.add("g1", [file("11")]) ?? "", /at most 10 files/);
  assert.equal(q.forGroup("g1").length, 10);
});
