/**
 * The menu beside a member's name: send them a direct message, and, for those allowed by §6,
 * make them an admin or a member again, remove them, or remove and ban them.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { Group, Member, Role } from "../lib/protocol/types.ts";
import { canChangeRole, canRemove } from "../lib/ui/roles.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { useAction } from "./use_action.ts";

/** What a member's menu needs. */
export interface MemberMenuProps {
  rt: ChatRuntime;
  group: Group;
  member: Member;
  /** The reader's role in the group. */
  role: Role;
}

/** A member's actions menu; nothing for the reader themself. */
export function MemberMenu({ rt, group, member, role }: MemberMenuProps) {
  const open = useSignal(false);
  const { busy, error, run: act } = useAction();
  const root = useRef<HTMLSpanElement>(null);
  // A press anywhere outside the open menu closes it, as menus do.
  useEffect(() => {
    if (!open.value) return;
    const outside = (e: Event) => {
      if (!root.current?.contains(e.target as Node)) open.value = false;
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open.value]);
  const meId = rt.model.me.value?.id ?? null;
  if (member.id === meId) return null;
  const menuId = `member-menu-${member.id}`;
  // A menu has no room for an error line: a failure shows in the app's notice bar.
  const run = (work: () => Promise<unknown>) => async () => {
    open.value = false;
    if (!(await act(work)) && error.value) {
      rt.model.status.show(error.value, "warning");
    }
  };
  const remove = (ban: boolean) =>
    run(async () => {
      const what = ban
        ? `Remove ${member.username} from ${group.name} and ban them from joining again?`
        : `Remove ${member.username} from ${group.name}? They can join again.`;
      if (confirm(what)) await rt.admin.remove(group.id, member.id, ban);
    });
  const items: [string, () => void][] = [
    ["Send a message", run(() => rt.admin.openDm(member.username))],
  ];
  if (canChangeRole(group, role, member, meId)) {
    items.push(
      member.role === "admin"
        ? [
          "Make member",
          run(() => rt.admin.setRole(group.id, member.id, "member")),
        ]
        : [
          "Make admin",
          run(() => rt.admin.setRole(group.id, member.id, "admin")),
        ],
    );
  }
  if (canRemove(group, role, member, meId)) {
    items.push(["Remove from group", remove(false)], ["Ban", remove(true)]);
  }
  return (
    <span
      ref={root}
      class="member-menu"
      onKeyDown={(e) => {
        if (e.key === "Escape" && open.value) {
          e.stopPropagation();
          open.value = false;
        }
      }}
    >
      <button
        type="button"
        class="icon-button member-menu-button"
        aria-label={`Actions for ${member.username}`}
        aria-haspopup="menu"
        aria-expanded={open.value}
        aria-controls={menuId}
        disabled={busy.value}
        onClick={() => (open.value = !open.value)}
      >
        ⋯
      </button>
      {open.value
        ? (
          <ul class="menu" role="menu" id={menuId}>
            {items.map(([label, act]) => (
              <li role="none" key={label}>
                <button
                  type="button"
                  role="menuitem"
                  class={`menu-item${
                    label === "Ban" || label.startsWith("Remove")
                      ? " menu-item--danger"
                      : ""
                  }`}
                  onClick={act}
                >
                  {label}
                </button>
              </li>
            ))}
          </ul>
        )
        : null}
    </span>
  );
}
