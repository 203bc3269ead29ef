/** A group's members, online first, each with a presence dot and their role (§6). */
import type { ComponentChildren } from "preact";
import type { Member } from "../lib/protocol/types.ts";

/** What the member list needs. */
export interface MemberListProps {
  members: readonly Member[];
  /** Live presence by user id; falls back to the member's `online`. */
  presence: ReadonlyMap<string, boolean>;
  /** Who of the online members is away (idle); absent means active. */
  idle?: ReadonlyMap<string, boolean>;
  meId: string | null;
  /** Controls beside a member (their actions menu), when the reader has any. */
  actions?: (member: Member) => ComponentChildren;
}

const roleLabels = { owner: "Owner", admin: "Admin" } as const;

/** The member list. */
export function MemberList(
  { members, presence, idle, meId, actions }: MemberListProps,
) {
  const rows = members.map((m) => ({
    ...m,
    online: presence.get(m.id) ?? m.online,
    away: idle?.get(m.id) === true,
  }))
    .sort((a, b) =>
      Number(b.online) - Number(a.online) ||
      a.username.localeCompare(b.username)
    );
  const online = rows.filter((m) => m.online).length;
  return (
    <section class="members" aria-label="Members">
      <h2 class="members-title">Members — {online} online</h2>
      <ul class="members-list">
        {rows.map((m) => (
          <li
            key={m.id}
            class={`member${m.online ? " member--online" : ""}${
              m.online && m.away ? " member--idle" : ""
            }`}
            data-testid="member"
            data-online={m.online ? "true" : "false"}
            data-idle={m.online && m.away ? "true" : undefined}
            data-role={m.role ?? "member"}
          >
            <span class="dot" aria-hidden="true" />
            <span class="member-name">{m.username}</span>
            {m.id === meId ? <span class="member-you">(you)</span> : null}
            {m.role === "owner" || m.role === "admin"
              ? (
                <span class={`role role--${m.role}`} data-testid="role">
                  {roleLabels[m.role]}
                </span>
              )
              : null}
            <span class="visually-hidden">
              {m.online
                ? (m.away ? ", online, away" : ", online")
                : ", offline"}
            </span>
            {actions?.(m)}
          </li>
        ))}
      </ul>
    </section>
  );
}
