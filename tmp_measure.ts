import { newGroup, newUser } from "./tests/helpers/api_client.ts";
import { upload } from "./tests/helpers/uploads.ts";
const dir = await Deno.makeTempDir();
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "--no-check", "main.ts"],
  env: {
    PORT: "0",
    HOST: "127.0.0.1",
    KV_PATH: `${dir}/t.kv`,
    MAX_UPLOAD_BYTES: String(400 * 1024 * 1024),
    UPLOAD_BYTES_PER_HOUR: String(4 * 1024 ** 3),
  },
  stdout: "piped",
  stderr: "piped",
}).spawn();
let log = "";
const dec = new TextDecoder();
const reader = child.stdout.getReader();
let port = 0;
while (!port) {
  const { value } = await reader.read();
  log += dec.decode(value);
  const m = log.match(/localhost:(\d+)/);
  if (m) port = Number(m[1]);
}
const url = `http://127.0.0.1:${port}`;
const rss = async () =>
  Number(
    (await Deno.readTextFile(`/proc/${child.pid}/status`)).match(
      /VmRSS:\s+(\d+)/,
    )![1],
  ) / 1024;
const ann = await newUser(url);
const g = await newGroup(ann.api);
for (const mb of [10, 40, 80]) {
  for (const kind of ["stream", "bytes"]) {
    let n = 0;
    const body = kind === "stream"
      ? new ReadableStream<Uint8Array>({
        pull(c) {
          if (n >= mb * 4) return c.close();
          n++;
          c.enqueue(new Uint8Array(256 * 1024).fill(n));
        },
      })
      : new Uint8Array(mb * 1024 * 1024);
    const t = performance.now();
    const r = await upload(url, ann.token, g.id, body);
    console.log(
      `${kind} ${mb} MiB: ${r.status} ${
        (performance.now() - t).toFixed(0)
      } ms rss ${(await rss()).toFixed(0)}`,
    );
  }
}
child.kill("SIGTERM");
await child.status;
await Deno.remove(dir, { recursive: true });
