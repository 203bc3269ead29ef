import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { MemberList } from "../../components/member_list.tsx";
import { alice, bob, carol } from "./fakes.ts";

const members = [
  { ...alice, online: true, role: "owner" as const },
  { ...bob, online: true, role: "admin" as const },
  { ...carol, online: false, role: "member" as const },
];

Deno.test("the member list names owners and admins, and plain members carry no badge", () => {
  const html = render(
    <MemberList members={members} presence={new Map()} meId={alice.id} />,
  );
  assert.match(html, /data-role="owner"[^]*?alice[^]*?>Owner</);
  assert.match(html, /data-role="admin"[^]*?bob[^]*?>Admin</);
  assert.equal(html.match(/data-testid="role"/g)?.length, 2);
});

Deno.test("the member list renders each member's actions beside them", () => {
  const html = render(
    <MemberList
      members={members}
      presence={new Map()}
      meId={alice.id}
      actions={(m) => <button type="button">menu of {m.username}</button>}
    />,
  );
  for (const name of ["alice", "bob", "carol"]) {
    assert.ok(html.includes(`menu of ${name}`));
  }
});

Deno.test("a member name with markup stays text in the member list", () => {
  const html = render(
    <MemberList
      members={[{ ...bob, username: "<b>x</b>", online: true, role: "admin" }]}
      presence={new Map()}
      meId={null}
    />,
  );
  assert.ok(!html.includes("<b>x</b>"));
  assert.ok(html.includes("&lt;b>x&lt;/b>"));
});

Deno.test("an online member who is idle shows as away; an offline one never does", () => {
  const html = render(
    <MemberList
      members={members}
      presence={new Map()}
      idle={new Map([[bob.id, true], [carol.id, true]])}
      meId={alice.id}
    />,
  );
  assert.match(
    html,
    /member--idle[^>]*data-idle="true"[^]*?bob[^]*?online, away/,
  );
  assert.equal(html.match(/member--idle/g)?.length, 1);
});
