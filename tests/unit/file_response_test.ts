/** Range parsing and RFC 6266 file names of served attachments. */
import assert from "node:assert/strict";
import { contentDisposition, parseRange } from "../../routes/file_response.ts";
import { cleanName, cleanType } from "../../lib/core/uploads.ts";

Deno.test("parseRange() answers single ranges clamped to the file, null to send it whole", () => {
  assert.deepStrictEqual(parseRange("bytes=0-9", 100), { start: 0, end: 9 });
  assert.deepStrictEqual(parseRange("bytes=90-", 100), { start: 90, end: 99 });
  assert.deepStrictEqual(parseRange("bytes=-10", 100), { start: 90, end: 99 });
  assert.deepStrictEqual(parseRange("bytes=-500", 100), { start: 0, end: 99 });
  assert.deepStrictEqual(parseRange("bytes=50-5000", 100), {
    start: 50,
    end: 99,
  });
  assert.equal(parseRange(null, 100), null);
  assert.equal(parseRange("bytes=0-1,5-9", 100), null);
  assert.equal(parseRange("items=0-1", 100), null);
  assert.equal(parseRange("bytes=9-1", 100), null);
});

Deno.test("parseRange() calls a range that starts past the end unsatisfiable", () => {
  assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=100-200", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=0-", 0), "unsatisfiable");
});

Deno.test("contentDisposition() gives an ASCII fallback and the exact UTF-8 name", () => {
  assert.equal(
    contentDisposition("attachment", 'Ré"sumé (v2).pdf'),
    `attachment; filename="R__sum_ (v2).pdf"; filename*=UTF-8''R%C3%A9%22sum%C3%A9%20%28v2%29.pdf`,
  );
  assert.equal(
    contentDisposition("inline", "a;b\r\n.png"),
    `inline; filename="a;b__.png"; filename*=UTF-8''a%3Bb%0D%0A.png`,
  );
});

Deno.test("upload names lose paths and control characters; types lose parameters", () => {
  assert.equal(cleanName("../../etc/passwd"), "passwd");
  assert.equal(cleanName("C:\\Users\\me\\cat.png"), "cat.png");
  assert.equal(cleanName("a\u0000b\nc.txt"), "abc.txt");
  assert.equal(cleanName(undefined), "file");
  assert.equal(cleanName("x".repeat(300)).length, 255);
  assert.equal(cleanType("Application/PDF; charset=x"), "application/pdf");
  assert.equal(cleanType("text/html<script>"), "application/octet-stream");
  assert.equal(cleanType(undefined), "application/octet-stream");
});
