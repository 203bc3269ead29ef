/** The open group: messages, typing line, composer, and (when shown) the member list. */
import { MemberList } from "../components/member_list.tsx";
import { TypingLine } from "../components/typing_line.tsx";
import type { Group } from "../lib/protocol/types.ts";
import { displayName, isDm, roleIn } from "../lib/ui/roles.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { Composer } from "./composer.tsx";
import { MemberMenu } from "./member_menu.tsx";
import { TimelineView } from "./timeline_view.tsx";
import { ImageViewer } from "./image_viewer.tsx";
import { dropHandlers } from "../lib/ui/file_drop.ts";

/** What the pane needs. */
export interface ChatPaneProps {
  rt: ChatRuntime;
  group: Group;
  showMembers: boolean;
}

/** The open group. */
export function ChatPane({ rt, group, showMembers }: ChatPaneProps) {
  const { model } = rt;
  // Reading the typing signal here re-renders the line when someone starts or stops.
  void model.typing.state.value;
  const members = model.members.value.get(group.id);
  const meId = model.me.value?.id ?? null;
  const role = roleIn(group, members, meId);
  // A DM is shown under the other person's name, and its members need no menu.
  const name = displayName(group, model.me.value?.username ?? null);
  return (
    <div class="pane">
      <div
        class="pane-main"
        {...dropHandlers((files) => rt.uploads.add(group.id, files))}
      >
        <TimelineView rt={rt} groupId={group.id} name={name} />
        <TypingLine names={model.typingNames(group.id)} />
        <Composer rt={rt} groupId={group.id} name={name} />
      </div>
      {showMembers
        ? (
          <aside class="pane-members" aria-label={`Members of ${name}`}>
            {members
              ? (
                <MemberList
                  members={members}
                  presence={model.people.presence.value}
                  idle={model.people.idle.value}
                  meId={meId}
                  actions={isDm(group) ? undefined : (m) => (
                    <MemberMenu
                      rt={rt}
                      group={group}
                      member={m}
                      role={role}
                    />
                  )}
                />
              )
              : <p class="muted">Loading members…</p>}
          </aside>
        )
        : null}
      <ImageViewer />
    </div>
  );
}
