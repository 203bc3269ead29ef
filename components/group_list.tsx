/** The sidebar list of the reader's groups, with unread counts and mention badges. */
import type { Group } from "../lib/protocol/types.ts";
import { HashIcon, LockIcon } from "./icons.tsx";

/** What the group list needs. */
export interface GroupListProps {
  groups: readonly Group[];
  unread: ReadonlyMap<string, number>;
  /** Unread messages mentioning the reader, shown apart from the unread count. */
  mentions?: ReadonlyMap<string, number>;
  activeId: string | null;
  onSelect(groupId: string): void;
}

/** The group list. */
export function GroupList(
  { groups, unread, mentions, activeId, onSelect }: GroupListProps,
) {
  if (!groups.length) return <p class="groups-empty">No groups yet.</p>;
  return (
    <ul class="groups">
      {groups.map((g) => {
        const n = unread.get(g.id) ?? 0;
        const at = Math.min(mentions?.get(g.id) ?? 0, n);
        const active = g.id === activeId;
        return (
          <li key={g.id}>
            <a
              href={`/?group=${encodeURIComponent(g.id)}`}
              class={`group${active ? " group--active" : ""}${
                n ? " group--unread" : ""
              }`}
              aria-current={active ? "page" : undefined}
              data-testid="group"
              data-group-id={g.id}
              onClick={(e) => {
                if (
                  e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0
                ) return;
                e.preventDefault();
                onSelect(g.id);
              }}
            >
              {g.public ? <HashIcon /> : <LockIcon />}
              <span class="group-name">{g.name}</span>
              {at
                ? (
                  <span
                    class="badge badge--mention"
                    aria-label={`${at} ${at === 1 ? "mention" : "mentions"}`}
                    data-testid="mentions"
                  >
                    @{at > 99 ? "99+" : at}
                  </span>
                )
                : null}
              {n
                ? (
                  <span
                    class="badge"
                    aria-label={`${n} unread`}
                    data-testid="unread"
                  >
                    {n > 99 ? "99+" : n}
                  </span>
                )
                : null}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
