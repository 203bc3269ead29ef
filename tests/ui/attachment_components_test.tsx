/** Attachments in the timeline and the upload tray, rendered to markup. */
import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import {
  AttachmentList,
  formatSize,
  previewSize,
} from "../../components/attachment_list.tsx";
import { MessageItem } from "../../components/message_item.tsx";
import { UploadTray } from "../../components/upload_tray.tsx";
import type { Attachment } from "../../lib/protocol/types.ts";
import { msg } from "./fakes.ts";

const image: Attachment = {
  id: "img1",
  name: "shot.png",
  content_type: "image/png",
  size: 52_000,
  url: "/api/groups/g/attachments/img1",
  width: 1600,
  height: 900,
};
const pdf: Attachment = {
  id: "pdf1",
  name: '<b>"specs"</b>.pdf',
  content_type: "application/pdf",
  size: 3_400_000,
  url: "/api/groups/g/attachments/pdf1",
};

Deno.test("an image preview carries its scaled width and height before it loads", () => {
  const html = render(
    <AttachmentList attachments={[image]} onOpenImage={() => {}} />,
  );
  assert.match(html, /<img src="\/api\/groups\/g\/attachments\/img1"/);
  assert.match(html, /width="320" height="180"/);
  assert.deepStrictEqual(previewSize(100, 50), { width: 100, height: 50 });
  assert.deepStrictEqual(previewSize(300, 2400), { width: 30, height: 240 });
});

Deno.test("a file shows as a card with its name as text, its size and a download link", () => {
  const html = render(
    <AttachmentList attachments={[pdf]} onOpenImage={() => {}} />,
  );
  assert.ok(!html.includes("<b>"), "the name is text, not markup");
  assert.match(html, /&lt;b>&quot;specs&quot;&lt;\/b>.pdf/);
  assert.match(html, /3\.2 MB/);
  assert.match(
    html,
    /<a class="attachment-download" href="\/api\/groups\/g\/attachments\/pdf1" download=/,
  );
  assert.equal(formatSize(812), "812 B");
  assert.equal(formatSize(12_300), "12 KB");
  assert.equal(formatSize(45 * 1024 * 1024), "45 MB");
});

Deno.test("a message shows its attachments, and a deleted one shows none", () => {
  const withFiles = msg("g", 1, { text: "", attachments: [image, pdf] });
  const html = render(
    <MessageItem message={withFiles} continuation={false} mine={false} />,
  );
  assert.match(html, /attachment-image/);
  assert.match(html, /attachment-file/);
  const deleted = render(
    <MessageItem
      message={{ ...withFiles, deleted: true }}
      continuation={false}
      mine={false}
    />,
  );
  assert.ok(!deleted.includes("attachment"));
});

Deno.test("the upload tray shows progress while uploading, and retry after a failure", () => {
  const html = render(
    <UploadTray
      items={[
        {
          key: "u1",
          group_id: "g",
          name: "big.mov",
          size: 9_000_000,
          status: "uploading",
          progress: 0.4,
          error: null,
          attachment: null,
        },
        {
          key: "u2",
          group_id: "g",
          name: "notes.txt",
          size: 10,
          status: "failed",
          progress: 0,
          error: "Upload failed: no connection.",
          attachment: null,
        },
      ]}
      onCancel={() => {}}
      onRetry={() => {}}
    />,
  );
  assert.match(html, /<progress class="upload-progress" max="1" value="0.4"/);
  assert.match(html, /Cancel/);
  assert.match(html, /Upload failed: no connection\./);
  assert.match(html, /Retry/);
  assert.match(html, /Remove/);
});
