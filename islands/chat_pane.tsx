/** The open group: messages, typing line, composer, and (when shown) the member list. */
import { MemberList } from "../components/member_list.tsx";
import { TypingLine } from "../components/typing_line.tsx";
import type { Group } from "../lib/protocol/types.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { Composer } from "./composer.tsx";
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
  return (
    <div class="pane">
      <div
        class="pane-main"
        {...dropHandlers((files) => rt.uploads.add(group.id, files))}
      >
        <TimelineView rt={rt} groupId={group.id} name={group.name} />
        <TypingLine names={model.typingNames(group.id)} />
        <Composer rt={rt} name={group.name} />
      </div>
      {showMembers
        ? (
          <aside class="pane-members" aria-label={`Members of ${group.name}`}>
            {members
              ? (
                <MemberList
                  members={members}
                  presence={model.people.presence.value}
                  meId={model.me.value?.id ?? null}
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
