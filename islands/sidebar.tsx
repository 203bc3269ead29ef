/** The sidebar: the reader's groups with unread counts, create/join, and the signed-in user. */
import { useSignal } from "@preact/signals";
import { GroupList } from "../components/group_list.tsx";
import { isDm } from "../lib/ui/roles.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { DmSection } from "./dm_section.tsx";
import { CreateGroupDialog, JoinGroupDialog } from "./group_dialogs.tsx";
import { NotifyToggle } from "./notify_toggle.tsx";

/** What the sidebar needs. */
export interface SidebarProps {
  rt: ChatRuntime;
  onSelect(groupId: string): void;
}

/** The sidebar. */
export function Sidebar({ rt, onSelect }: SidebarProps) {
  const { model } = rt;
  const dialog = useSignal<"create" | "join" | null>(null);
  const close = () => (dialog.value = null);
  const logout = async () => {
    rt.socket.stop();
    await rt.api.logout().catch(() => {});
    location.assign("/login");
  };
  return (
    <aside class="sidebar" id="sidebar" aria-label="Groups">
      <header class="sidebar-head">
        <span class="brand-mark" aria-hidden="true">S</span>
        <span class="brand-name">Salvioris</span>
      </header>
      <nav class="sidebar-groups" aria-label="Your groups">
        <GroupList
          groups={model.groups.value.filter((g) => !isDm(g))}
          unread={model.unread.value}
          mentions={model.mentions.value}
          activeId={model.activeGroupId.value}
          onSelect={onSelect}
        />
      </nav>
      <DmSection rt={rt} onSelect={onSelect} />
      <div class="sidebar-actions">
        <button
          type="button"
          class="button button--primary"
          onClick={() => (dialog.value = "create")}
        >
          New group
        </button>
        <button
          type="button"
          class="button"
          onClick={() => (dialog.value = "join")}
        >
          Join group
        </button>
      </div>
      <div class="sidebar-notify">
        <NotifyToggle rt={rt} />
      </div>
      <footer class="sidebar-foot">
        <span class="me" title="Signed in">
          <span class="avatar" aria-hidden="true">
            {(model.me.value?.username ?? "?").slice(0, 1).toUpperCase()}
          </span>
          <span class="me-name">{model.me.value?.username}</span>
        </span>
        <button type="button" class="link-button" onClick={logout}>
          Log out
        </button>
      </footer>
      <CreateGroupDialog
        rt={rt}
        open={dialog.value === "create"}
        onClose={close}
      />
      <JoinGroupDialog rt={rt} open={dialog.value === "join"} onClose={close} />
    </aside>
  );
}
