/**
 * §5 across instances: two real instances sharing one Redis and one store, with the files in a
 * shared folder (beside the shared KV file) or in GridFS (beside a shared MongoDB database). A
 * file uploaded on one is served byte for byte by the other, to members only, and a message
 * carries its attachments to every subscriber.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { withCluster } from "../helpers/cluster.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { png } from "../helpers/images.ts";
import { redisTest } from "../helpers/redis_server.ts";
import type { ServerProcess } from "../helpers/server_process.ts";
import { MongoClient } from "mongodb";
import {
  mongoTest,
  startMongo,
  testDbName,
} from "../helpers/ferretdb_server.ts";
import { fetchFile, filesIn, upload } from "../helpers/uploads.ts";
import { pattern } from "../contracts/files_contract.ts";

/** The scenario, on two instances; `storedIds` lists the file ids the shared storage holds. */
async function uploadOnOneFetchOnAnother(
  [s1, s2]: ServerProcess[],
  storedIds: () => Promise<string[]>,
): Promise<void> {
  const alice = await newUser(s1.url, "alice");
  const bob = await newUser(s2.url, "bob");
  const carol = await newUser(s2.url, "carol");
  const group = await newGroup(alice.api, "files");
  assert.equal(
    (await bob.api.post(`/api/groups/${group.id}/join`, {})).status,
    200,
  );

  const pdfBytes = pattern(3 * 1024 * 1024 + 17);
  const pdf = await upload(s1.url, alice.token, group.id, pdfBytes, {
    name: "report.pdf",
    type: "application/pdf",
  });
  assert.equal(pdf.status, 201);
  const pdfAtt = pdf.body.attachment;
  assert.equal(pdfAtt.size, pdfBytes.length);
  assert.equal(pdfAtt.content_type, "application/pdf");
  assert.equal(pdfAtt.width, undefined);

  const image = await png(64, 48);
  const pic = await upload(s1.url, alice.token, group.id, image, {
    name: "screenshot.png",
    type: "image/png",
  });
  assert.equal(pic.status, 201);
  assert.equal(pic.body.attachment.width, 64);
  assert.equal(pic.body.attachment.height, 48);

  // Unused uploads: only the uploader sees them, on any instance.
  const own = await fetchFile(s2.url, alice.token, pdfAtt.url);
  assert.equal(own.status, 200);
  assert.deepStrictEqual(own.bytes, pdfBytes);
  assert.equal(
    (await fetchFile(s2.url, bob.token, pdfAtt.url)).status,
    404,
  );

  const bobSocket = await GatewayClient.connect(s2.wsUrl, {
    token: bob.token,
  });
  const aliceSocket = await GatewayClient.connect(s1.wsUrl, {
    token: alice.token,
  });
  try {
    bobSocket.send({ type: "subscribe", group_ids: [group.id] });
    await bobSocket.nextOf("subscribed");
    aliceSocket.send({
      type: "message",
      group_id: group.id,
      text: "",
      nonce: "n1",
      attachment_ids: [pic.body.attachment.id, pdfAtt.id],
    });
    const frame = await bobSocket.nextOf("message");
    assert.equal(frame.message.text, "");
    assert.deepStrictEqual(frame.message.attachments, [
      pic.body.attachment,
      pdfAtt,
    ]);

    // A used upload cannot travel in a second message.
    aliceSocket.send({
      type: "message",
      group_id: group.id,
      text: "again",
      ref: "r2",
      attachment_ids: [pdfAtt.id],
    });
    const refused = await aliceSocket.next((f) =>
      f.type === "error" && f.ref === "r2"
    );
    assert.equal(refused.code, "bad_request");
    assert.match(refused.message, new RegExp(pdfAtt.id));
  } finally {
    await bobSocket.close();
    await aliceSocket.close();
  }

  const got = await fetchFile(s2.url, bob.token, pdfAtt.url);
  assert.equal(got.status, 200);
  assert.deepStrictEqual(got.bytes, pdfBytes);
  assert.equal(got.headers.get("content-type"), "application/octet-stream");
  assert.match(got.headers.get("content-disposition")!, /^attachment;/);
  const gotPic = await fetchFile(
    s1.url,
    bob.token,
    pic.body.attachment.url,
  );
  assert.deepStrictEqual(gotPic.bytes, image);
  assert.equal(gotPic.headers.get("content-type"), "image/png");
  assert.match(gotPic.headers.get("content-disposition")!, /^inline;/);

  // Not a member: 404, the same answer as for an id that does not exist.
  assert.equal(
    (await fetchFile(s2.url, carol.token, pdfAtt.url)).status,
    404,
  );
  assert.equal((await fetchFile(s2.url, null, pdfAtt.url)).status, 401);

  const history = await bob.api.get(`/api/groups/${group.id}/messages`);
  assert.deepStrictEqual(history.body.messages.at(-1).attachments, [
    pic.body.attachment,
    pdfAtt,
  ]);
  assert.deepStrictEqual(
    await storedIds(),
    [pdfAtt.id, pic.body.attachment.id].sort(),
  );
}

redisTest(
  "a file uploaded on one instance is served byte-identical by another, to members only (shared folder)",
  async () => {
    await withCluster({ size: 2 }, async ({ servers, kvPath }) => {
      await uploadOnOneFetchOnAnother(
        servers,
        () => filesIn(join(dirname(kvPath), "attachments")),
      );
    });
  },
);

mongoTest(
  "a file uploaded on one instance is served byte-identical by another, to members only (GridFS)",
  async () => {
    const mongo = await startMongo();
    const dbName = testDbName();
    const client = new MongoClient(mongo.uri);
    try {
      await withCluster(
        { size: 2, mongodbUri: mongo.uriOf(dbName) },
        async ({ servers }) => {
          await uploadOnOneFetchOnAnother(
            servers,
            async () =>
              (await client.db(dbName).collection("fs.files").find().toArray())
                .map((d) => String(d._id)).sort(),
          );
        },
      );
    } finally {
      await client.db(dbName).dropDatabase().catch(() => {});
      await client.close();
      await mongo.kill();
    }
  },
);
