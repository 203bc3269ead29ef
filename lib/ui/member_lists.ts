/**
 * The member lists of the reader's groups, loaded when a group opens and kept current by
 * `member_joined` / `member_left`. Names and presence go to the People directory.
 */
import { batch, signal } from "@preact/signals-core";
import type { Member } from "../protocol/types.ts";
import type { People } from "./people.ts";
import { deleteIn, setIn } from "./signal_map.ts";

/** group id → members, for the groups whose list was loaded. */
export class MemberLists {
  readonly lists = signal<ReadonlyMap<string, readonly Member[]>>(new Map());

  constructor(private readonly people: People) {}

  /** A group's loaded member list, if any. */
  of(groupId: string): readonly Member[] | undefined {
    return this.lists.value.get(groupId);
  }

  /** Stores a group's member list and their presence. */
  set(groupId: string, members: readonly Member[]): void {
    batch(() => {
      setIn(this.lists, groupId, members);
      for (const m of members) {
        this.people.learn(m);
        this.people.setOnline(m.id, m.online);
      }
    });
  }

  /** Adds a new member to a loaded list (an unloaded one gets it on load). */
  joined(groupId: string, member: Member): void {
    const members = this.of(groupId);
    batch(() => {
      this.people.learn(member);
      this.people.setOnline(member.id, member.online);
      if (members && !members.some((m) => m.id === member.id)) {
        setIn(this.lists, groupId, [...members, member]);
      }
    });
  }

  /** Removes a member who left from a loaded list. */
  left(groupId: string, userId: string): void {
    const members = this.of(groupId);
    if (!members?.some((m) => m.id === userId)) return;
    setIn(this.lists, groupId, members.filter((m) => m.id !== userId));
  }

  /** Forgets a group's list. */
  drop(groupId: string): void {
    deleteIn(this.lists, groupId);
  }
}
