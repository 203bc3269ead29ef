/**
 * Direct messages (PROTOCOL.md §6): one private group per pair of users. Its id is derived from
 * the pair, so the store's uniqueness of group ids makes the pair's group unique across every
 * instance, with no read-then-write: two people asking at once on two instances get one group.
 */
import { topics } from "../bus/topics.ts";
import { ChatError } from "../protocol/errors.ts";
import type { Group, User } from "../protocol/types.ts";
import type { StoredGroup } from "../store/store.ts";
import type { CoreDeps } from "./deps.ts";
import { toGroup } from "./groups.ts";
import { sha256Hex } from "./ids.ts";

/** The id of the direct group of two users, the same whoever asks. */
export async function dmGroupId(a: string, b: string): Promise<string> {
  const [first, second] = [a, b].sort();
  return "dm" + (await sha256Hex(`${first}\n${second}`)).slice(0, 40);
}

/** The direct group of the caller and `username`, created on first ask. */
export async function openDm(
  deps: CoreDeps,
  caller: User,
  username: string,
): Promise<Group> {
  const other = await findUser(deps, username);
  if (other.id === caller.id) {
    throw new ChatError(
      "bad_request",
      "A direct conversation needs another user",
    );
  }
  const now = deps.now();
  const group: StoredGroup = {
    id: await dmGroupId(caller.id, other.id),
    name: byName(caller.username, other.username).join(", "),
    public: false,
    owner_id: caller.id,
    created_at: new Date(now).toISOString(),
    invite_code: "",
    description: "",
    kind: "dm",
  };
  const stored = await deps.store.createDm(group, [caller.id, other.id]);
  return toGroup(stored, true);
}

/**
 * After the first message of a group: when it is a direct one, both users' sockets on every
 * instance get `group_added`, since neither app lists it before (see `groupsOfUser`). The message
 * is sent already, so a failure here is only logged: the group shows on the next load.
 */
export async function announceFirstMessage(deps: CoreDeps, groupId: string) {
  try {
    const group = await deps.store.groupById(groupId);
    if (group?.kind !== "dm") return;
    const { invite_code: _, ...shape } = toGroup(group, false);
    await deps.bus.publish(topics.control, {
      kind: "group_added",
      user_ids: await deps.store.memberIds(groupId),
      group: { ...shape, description: "", kind: "dm" },
    });
  } catch (err) {
    console.warn(
      "dms: could not announce a conversation:",
      (err as Error)?.message,
    );
  }
}

/** A user by exact (case-insensitive) username, never a list: `not_found` when none. */
export async function findUser(
  deps: CoreDeps,
  username: string,
): Promise<User> {
  const user = await deps.store.userByName(username);
  if (!user) throw new ChatError("not_found", "No user has that name");
  return { id: user.id, username: user.username };
}

/** Two usernames sorted as people read them: by lower case (names are unique that way). */
function byName(a: string, b: string): [string, string] {
  return a.toLowerCase() <= b.toLowerCase() ? [a, b] : [b, a];
}
