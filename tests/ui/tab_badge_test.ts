import assert from "node:assert/strict";
import {
  faviconHref,
  faviconSvg,
  tabTitle,
  total,
} from "../../lib/ui/tab_badge.ts";

Deno.test("the tab title leads with mentions, then unread messages", () => {
  assert.equal(tabTitle({ unread: 0, mentions: 0 }), "Salvioris");
  assert.equal(tabTitle({ unread: 5, mentions: 0 }), "(5) Salvioris");
  assert.equal(tabTitle({ unread: 5, mentions: 2 }), "(@2) (5) Salvioris");
  assert.equal(
    tabTitle({ unread: 150, mentions: 120 }),
    "(@99+) (99+) Salvioris",
  );
});

Deno.test("the favicon carries the number of mentions, or a dot for unread only", () => {
  assert.ok(!faviconSvg({ unread: 0, mentions: 0 }).includes("circle"));
  const dot = faviconSvg({ unread: 3, mentions: 0 });
  assert.ok(dot.includes("<circle") && !dot.includes("<text"));
  assert.match(faviconSvg({ unread: 3, mentions: 2 }), /<text[^>]*>2<\/text>/);
  assert.match(faviconSvg({ unread: 30, mentions: 12 }), />9\+<\/text>/);
  assert.ok(
    faviconHref({ unread: 1, mentions: 1 }).startsWith("data:image/svg+xml,"),
  );
});

Deno.test("total sums per-group counts", () => {
  assert.equal(total(new Map([["a", 2], ["b", 3]])), 5);
  assert.equal(total(new Map()), 0);
});
