/** Builders of the store contract suite: valid records with unique ids, and the case type. */
import type { Message } from "../../lib/protocol/types.ts";
import type { Store, StoredGroup, StoredUser } from "../../lib/store/store.ts";

/** Registers one contract case; it receives a fresh store. */
export type StoreCase = (
  title: string,
  fn: (store: Store) => Promise<void>,
) => void;

/** A unique id, readable in failures thanks to its label. */
export function uid(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

/** A user record named `username`. */
export function user(username: string): StoredUser {
  return {
    id: uid("user"),
    username,
    password_hash: `hash-of-${username}`,
    created_at: new Date().toISOString(),
  };
}

/** A group owned by `ownerId`, created `minute` minutes after a fixed epoch. */
export function group(
  ownerId: string,
  opts: { public?: boolean; minute?: number } = {},
): StoredGroup {
  return {
    id: uid("group"),
    name: `group ${opts.minute ?? 0}`,
    public: opts.public ?? false,
    owner_id: ownerId,
    created_at: new Date(Date.UTC(2024, 0, 1, 0, opts.minute ?? 0))
      .toISOString(),
    invite_code: uid("invite"),
  };
}

/** Message `seq` of a group, with no optional field unless `extra` adds one. */
export function message(
  groupId: string,
  seq: number,
  extra: Partial<Message> = {},
): Message {
  return {
    id: `${groupId}:${seq}`,
    group_id: groupId,
    seq,
    author: { id: "user-ann", username: "ann" },
    text: `hello ${seq}`,
    created_at: new Date(Date.UTC(2024, 0, 1) + seq * 1000).toISOString(),
    nonce: null,
    ...extra,
  };
}

/** Messages `from..to` of a group. */
export function messages(groupId: string, from: number, to: number): Message[] {
  return Array.from(
    { length: to - from + 1 },
    (_, i) => message(groupId, from + i),
  );
}
