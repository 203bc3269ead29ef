/** The bar above the messages: menu (phone), group name, connection, invite, members, leave. */
import { useSignal } from "@preact/signals";
import type { Signal } from "@preact/signals";
import { ConnectionBadge } from "../components/connection_badge.tsx";
import {
  BellIcon,
  BellOffIcon,
  SettingsIcon,
} from "../components/group_icons.tsx";
import {
  HashIcon,
  LinkIcon,
  LockIcon,
  MenuIcon,
  UsersIcon,
} from "../components/icons.tsx";
import { isMuted } from "../lib/ui/group_admin.ts";
import { canManageGroup, displayName, isDm, roleIn } from "../lib/ui/roles.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { errorText } from "./group_dialogs.tsx";
import { GroupSettingsDialog } from "./group_settings_dialog.tsx";
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
  const editing = useSignal(false);
  const me = model.me.value;
  const dm = group ? isDm(group) : false;
  const manage = group
    ? canManageGroup(
      group,
      roleIn(group, model.members.value.get(group.id), me?.id ?? null),
    )
    : false;
  const muted = group ? isMuted(group) : false;
  const toggleMute = async () => {
    if (!group) return;
    try {
      await rt.admin.setMuted(group.id, !muted);
    } catch (err) {
      model.status.show(errorText(err), "warning");
    }
  };
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
        <span>
          {group ? displayName(group, me?.username ?? null) : "Salvioris"}
        </span>
      </h1>
      <ConnectionBadge
        status={model.status.connection.value.status}
        onRetry={() => socket.reconnectNow()}
      />
      {group
        ? (
          <div class="chat-actions">
            {manage
              ? (
                <button
                  type="button"
                  class="icon-button"
                  onClick={() => (editing.value = true)}
                >
                  <SettingsIcon />
                  <span class="icon-label">Settings</span>
                </button>
              )
              : null}
            <button
              type="button"
              class="icon-button"
              aria-pressed={muted}
              title={muted
                ? "Notifications of this group are off on every device"
                : "Turn notifications of this group off on every device"}
              onClick={toggleMute}
            >
              {muted ? <BellOffIcon /> : <BellIcon />}
              <span class="icon-label">{muted ? "Unmute" : "Mute"}</span>
            </button>
            {dm ? null : (
              <button
                type="button"
                class="icon-button"
                onClick={() => (inviting.value = true)}
              >
                <LinkIcon />
                <span class="icon-label">Invite</span>
              </button>
            )}
            <button
              type="button"
              class="icon-button"
              aria-pressed={membersOpen.value}
              onClick={() => (membersOpen.value = !membersOpen.value)}
            >
              <UsersIcon />
              <span class="icon-label">Members</span>
            </button>
            {dm ? null : (
              <button
                type="button"
                class="icon-button icon-button--danger"
                onClick={leave}
              >
                <span class="icon-label icon-label--always">Leave</span>
              </button>
            )}
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
      {group && manage
        ? (
          <GroupSettingsDialog
            rt={rt}
            group={group}
            open={editing.value}
            onClose={() => (editing.value = false)}
          />
        )
        : null}
    </header>
  );
}
