/**
 * §5 on one real instance: every limit, error and header of uploading and serving, and the rules
 * of `attachment_ids` on the HTTP send path.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { png } from "../helpers/images.ts";
import type { ServerProcess } from "../helpers/server_process.ts";
import { fetchFile, filesIn, upload } from "../helpers/uploads.ts";
import { pattern } from "../contracts/files_contract.ts";

const text = (s: string) => new TextEncoder().encode(s);
const folderOf = (server: ServerProcess) =>
  join(dirname(server.env.KV_PATH), "attachments");

Deno.test({
  ...integration,
  name:
    "uploads: exactly MAX_UPLOAD_BYTES is allowed, one more is 413 too_large and leaves no bytes",
  fn: () =>
    withServer({ MAX_UPLOAD_BYTES: "100000" }, async (server) => {
      const ann = await newUser(server.url);
      const group = await newGroup(ann.api);
      const exact = await upload(
        server.url,
        ann.token,
        group.id,
        pattern(100_000),
      );
      assert.equal(exact.status, 201);
      assert.equal(exact.body.attachment.size, 100_000);

      const over = await upload(
        server.url,
        ann.token,
        group.id,
        pattern(100_001),
      );
      assert.equal(over.status, 413);
      assert.equal(over.body.error.code, "too_large");

      // Without a Content-Length the limit is enforced while reading, not after.
      let sent = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 1_000_000) return controller.close();
          controller.enqueue(pattern(10_000));
          sent += 10_000;
        },
      });
      const streamed = await upload(server.url, ann.token, group.id, endless);
      assert.equal(streamed.status, 413);
      assert.equal(streamed.body.error.code, "too_large");
      assert.deepStrictEqual(await filesIn(folderOf(server)), [
        exact.body.attachment.id,
      ]);
    }),
});

Deno.test({
  ...integration,
  name:
    "serving: inline only for real images; everything else a download; nosniff and sandbox always",
  fn: () =>
    withServer({}, async (server) => {
      const ann = await newUser(server.url);
      const group = await newGroup(ann.api);
      const put = async (bytes: Uint8Array, name: string, type: string) =>
        (await upload(server.url, ann.token, group.id, bytes, { name, type }))
          .body.attachment;
      const image = await png(3, 2);
      const real = await put(image, "dot.png", "application/octet-stream");
      assert.equal(real.content_type, "image/png");
      assert.deepStrictEqual([real.width, real.height], [3, 2]);
      const liar = await put(
        text("<html><script>alert(1)</script>"),
        "x.png",
        "image/png",
      );
      assert.equal(liar.content_type, "application/octet-stream");
      assert.equal(liar.width, undefined);
      const svg = await put(
        text(
          "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        ),
        "logo.svg",
        "image/svg+xml",
      );
      assert.equal(svg.content_type, "image/svg+xml");
      const html = await put(text("<h1>hi</h1>"), "page.html", "text/html");

      const inline = await fetchFile(server.url, ann.token, real.url);
      assert.equal(inline.headers.get("content-type"), "image/png");
      assert.match(inline.headers.get("content-disposition")!, /^inline; /);
      assert.deepStrictEqual(inline.bytes, image);
      for (const file of [liar, svg, html]) {
        const res = await fetchFile(server.url, ann.token, file.url);
        assert.equal(res.status, 200);
        assert.equal(
          res.headers.get("content-type"),
          "application/octet-stream",
        );
        assert.match(res.headers.get("content-disposition")!, /^attachment; /);
      }
      for (const file of [real, liar, svg, html]) {
        const res = await fetchFile(server.url, ann.token, file.url);
        assert.equal(res.headers.get("x-content-type-options"), "nosniff");
        assert.equal(res.headers.get("content-security-policy"), "sandbox");
      }
    }),
});

Deno.test({
  ...integration,
  name:
    "serving: ETag answers 304, Range answers 206 with the exact bytes, past the end 416",
  fn: () =>
    withServer({}, async (server) => {
      const ann = await newUser(server.url);
      const group = await newGroup(ann.api);
      const bytes = pattern(50_000);
      const { body } = await upload(server.url, ann.token, group.id, bytes, {
        name: "Résumé «final».pdf",
        type: "application/pdf",
      });
      const url = body.attachment.url;
      const full = await fetchFile(server.url, ann.token, url);
      assert.equal(
        full.headers.get("content-disposition"),
        `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''${
          encodeURIComponent("Résumé «final».pdf")
        }`,
      );
      const etag = full.headers.get("etag")!;
      assert.ok(etag);
      const cached = await fetchFile(server.url, ann.token, url, {
        "if-none-match": etag,
      });
      assert.equal(cached.status, 304);
      assert.equal(cached.bytes.length, 0);
      const other = await fetchFile(server.url, ann.token, url, {
        "if-none-match": '"something-else"',
      });
      assert.equal(other.status, 200);

      const part = await fetchFile(server.url, ann.token, url, {
        range: "bytes=1000-1999",
      });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get("content-range"), "bytes 1000-1999/50000");
      assert.deepStrictEqual(part.bytes, bytes.slice(1000, 2000));
      const tail = await fetchFile(server.url, ann.token, url, {
        range: "bytes=-10",
      });
      assert.deepStrictEqual(tail.bytes, bytes.slice(-10));
      const past = await fetchFile(server.url, ann.token, url, {
        range: "bytes=50000-",
      });
      assert.equal(past.status, 416);
      assert.equal(past.headers.get("content-range"), "bytes */50000");
    }),
});

Deno.test({
  ...integration,
  name:
    "uploads are for members; attachment_ids take only the sender's unused uploads to that group",
  fn: () =>
    withServer({}, async (server) => {
      const ann = await newUser(server.url);
      const bob = await newUser(server.url);
      const group = await newGroup(ann.api, "g", true);
      const other = await newGroup(ann.api, "other", true);
      assert.equal(
        (await upload(server.url, bob.token, group.id, text("x"))).status,
        403,
      );
      assert.equal(
        (await upload(server.url, "bad", group.id, text("x"))).status,
        401,
      );
      assert.equal(
        (await upload(server.url, ann.token, "nogroup", text("x"))).status,
        404,
      );
      await bob.api.post(`/api/groups/${group.id}/join`, {});

      const ids = async (who: typeof ann, groupId: string) =>
        (await upload(server.url, who.token, groupId, text("data"))).body
          .attachment.id as string;
      const bobs = await ids(bob, group.id);
      const elsewhere = await ids(ann, other.id);
      const mine = await ids(ann, group.id);
      const send = (body: unknown) =>
        ann.api.post(`/api/groups/${group.id}/messages`, body);
      for (const bad of [bobs, elsewhere, "no-such-id"]) {
        const res = await send({ text: "", attachment_ids: [mine, bad] });
        assert.equal(res.status, 400, bad);
        assert.equal(res.body.error.code, "bad_request");
        assert.ok(res.body.error.message.includes(bad), res.body.error.message);
      }
      const tooMany = await send({
        text: "x",
        attachment_ids: Array.from({ length: 11 }, () => mine),
      });
      assert.equal(tooMany.status, 400);
      assert.equal((await send({ text: "  " })).status, 400);

      // Two sends racing for one upload: exactly one carries it.
      const [a, b] = await Promise.all([
        send({ text: "a", attachment_ids: [mine] }),
        send({ text: "b", attachment_ids: [mine] }),
      ]);
      assert.deepStrictEqual([a.status, b.status].sort(), [201, 400]);
      const sent = a.status === 201 ? a : b;
      assert.deepStrictEqual(
        sent.body.message.attachments.map((x: { id: string }) => x.id),
        [mine],
      );

      // A retry with the same nonce is the same message, not a refusal.
      const fresh = await ids(ann, group.id);
      const first = await send({
        text: "",
        nonce: "k",
        attachment_ids: [fresh],
      });
      const retry = await send({
        text: "",
        nonce: "k",
        attachment_ids: [fresh],
      });
      assert.equal(first.status, 201);
      assert.equal(retry.status, 201);
      assert.equal(retry.body.message.id, first.body.message.id);
    }),
});

Deno.test({
  ...integration,
  name:
    "upload quotas: past the count burst or the bytes per hour, 429 with retry_after_ms",
  fn: () =>
    withServer({
      UPLOAD_COUNT_BURST: "3",
      UPLOAD_BYTES_PER_HOUR: "25000",
    }, async (server) => {
      const ann = await newUser(server.url);
      const bob = await newUser(server.url);
      const group = await newGroup(ann.api);
      await bob.api.post(`/api/groups/${group.id}/join`, {});
      for (let i = 0; i < 2; i++) {
        assert.equal(
          (await upload(server.url, ann.token, group.id, pattern(10_000)))
            .status,
          201,
        );
      }
      const bytesOver = await upload(
        server.url,
        ann.token,
        group.id,
        pattern(10_000),
      );
      assert.equal(bytesOver.status, 429);
      assert.equal(bytesOver.body.error.code, "rate_limited");
      assert.ok(bytesOver.body.error.retry_after_ms > 0);
      const countOver = await upload(
        server.url,
        ann.token,
        group.id,
        pattern(1),
      );
      assert.equal(countOver.status, 429);
      assert.ok(countOver.body.error.retry_after_ms > 0);
      // Budgets are per user.
      assert.equal(
        (await upload(server.url, bob.token, group.id, pattern(1))).status,
        201,
      );
    }),
});

Deno.test({
  ...integration,
  name:
    "the orphan sweeper removes uploads no message used, bytes included, and keeps used ones",
  fn: () =>
    withServer({
      UPLOAD_ORPHAN_TTL_MS: "300",
      UPLOAD_SWEEP_INTERVAL_MS: "100",
    }, async (server) => {
      const ann = await newUser(server.url);
      const group = await newGroup(ann.api);
      const used =
        (await upload(server.url, ann.token, group.id, pattern(10))).body
          .attachment;
      const sent = await ann.api.post(`/api/groups/${group.id}/messages`, {
        text: "",
        attachment_ids: [used.id],
      });
      assert.equal(sent.status, 201);
      const orphan =
        (await upload(server.url, ann.token, group.id, pattern(20)))
          .body.attachment;
      const folder = folderOf(server);
      assert.ok((await filesIn(folder)).includes(orphan.id));
      const deadline = Date.now() + 20_000;
      while ((await filesIn(folder)).includes(orphan.id)) {
        assert.ok(Date.now() < deadline, "the orphan was never swept");
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepStrictEqual(await filesIn(folder), [used.id]);
      assert.equal(
        (await fetchFile(server.url, ann.token, orphan.url)).status,
        404,
      );
      assert.equal(
        (await fetchFile(server.url, ann.token, used.url)).status,
        200,
      );
    }),
});

Deno.test({
  ...integration,
  name:
    "deleting a message deletes its files: 404 for everyone and no bytes left in the folder",
  fn: () =>
    withServer({}, async (server) => {
      const ann = await newUser(server.url);
      const bob = await newUser(server.url);
      const group = await newGroup(ann.api, "g", true);
      await bob.api.post(`/api/groups/${group.id}/join`, {});
      const put = async () =>
        (await upload(server.url, ann.token, group.id, pattern(5000))).body
          .attachment;
      const [a, b, kept] = [await put(), await put(), await put()];
      const sent = await ann.api.post(`/api/groups/${group.id}/messages`, {
        text: "two files",
        attachment_ids: [a.id, b.id],
      });
      assert.equal(sent.status, 201);
      await ann.api.post(`/api/groups/${group.id}/messages`, {
        text: "",
        attachment_ids: [kept.id],
      });
      assert.equal((await fetchFile(server.url, bob.token, a.url)).status, 200);

      const seq = sent.body.message.seq;
      const deleted = await ann.api.request(
        "DELETE",
        `/api/groups/${group.id}/messages/${seq}`,
      );
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.message.deleted, true);
      assert.equal(deleted.body.message.attachments, undefined);
      for (const file of [a, b]) {
        assert.equal(
          (await fetchFile(server.url, bob.token, file.url)).status,
          404,
        );
        assert.equal(
          (await fetchFile(server.url, ann.token, file.url)).status,
          404,
        );
      }
      assert.deepStrictEqual(await filesIn(folderOf(server)), [kept.id]);
      assert.equal(
        (await fetchFile(server.url, bob.token, kept.url)).status,
        200,
      );
    }),
});
