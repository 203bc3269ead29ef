/** The bar above the messages: menu (phone), group name, connection, invite, members, leave. */
import { useSignal } from "@preact/signals";
import type { Signal } from "@preact/signals";
import { ConnectionBadge } from "../components/connection_badge.tsx";
import {
  HashIcon,
  LinkIcon,
  LockIcon,
  MenuIcon,
  UsersIcon,
} from "../components/icons.tsx";
import type { ChatRuntime } from "./chat_runtime.ts";
import { errorText } from "./group_dialogs.tsx";
import { InviteDialog } from "./invite_dialog.tsx";

/** What the header needs. */
export interface ChatHeaderProps {
  rt: ChatRuntime;
  navOpen: Signal<boolean>;
  membersOpen: Signal<boolean>;
}

/** The chat header. */
export function ChatHeader({ rt, navOpen, membersOpen }: ChatHeaderProps) {
  const { model, controller, socket } = rt;
  const group = model.activeGroup.value;
  const inviting = useSignal(false);
  const leave = async () => {
    if (
      !group ||
      !confirm(`Leave ${group.name}? You can join again with an invite.`)
    ) return;
    try {
      await controller.leaveGroup(group.id);
    } catch (err) {
      model.status.show(errorText(err), "warning");
    }
  };
  return (
    <header class="chat-head">
      <button
        type="button"
        class="icon-button nav-toggle"
        aria-label="Show groups"
        aria-controls="sidebar"
        aria-expanded={navOpen.value}
        onClick={() => (navOpen.value = !navOpen.value)}
      >
        <MenuIcon />
      </button>
      <h1 class="chat-title">
        {group ? (group.public ? <HashIcon /> : <LockIcon />) : null}
        <span>{group ? group.name : "Salvioris"}</span>
      </h1>
      <ConnectionBadge
        status={model.status.connection.value.status}
        onRetry={() => socket.reconnectNow()}
      />
      {group
        ? (
          <div class="chat-actions">
            <button
              type="button"
              class="icon-button"
              onClick={() => (inviting.value = true)}
            >
              <LinkIcon />
              <span class="icon-label">Invite</span>
            </button>
            <button
              type="button"
              class="icon-button"
              aria-pressed={membersOpen.value}
              onClick={() => (membersOpen.value = !membersOpen.value)}
            >
              <UsersIcon />
              <span class="icon-label">Members</span>
            </button>
            <button
              type="button"
              class="icon-button icon-button--danger"
              onClick={leave}
            >
              <span class="icon-label icon-label--always">Leave</span>
            </button>
          </div>
        )
        : null}
      {group
        ? (
          <InviteDialog
            group={group}
            open={inviting.value}
            onClose={() => (inviting.value = false)}
          />
        )
        : null}
    </header>
  );
}
