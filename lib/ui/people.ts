/** Names and presence of every user the tab has seen, for typing lines, receipts and dots. */
import { signal } from "@preact/signals-core";
import type { User } from "../protocol/types.ts";
import { setIn } from "./signal_map.ts";

/** The user directory of one tab (bounded by the members of the reader's groups). */
export class People {
  /** user id → user. */
  readonly users = signal<ReadonlyMap<string, User>>(new Map());
  /** user id → online. */
  readonly presence = signal<ReadonlyMap<string, boolean>>(new Map());
  /** user id → away (online but idle); absent means active, as a client assumes until told. */
  readonly idle = signal<ReadonlyMap<string, boolean>>(new Map());

  /** Records a user's name (a no-op when already known under that name). */
  learn(u: User): void {
    if (this.users.value.get(u.id)?.username !== u.username) {
      setIn(this.users, u.id, { id: u.id, username: u.username });
    }
  }

  /** Records whether a user is online. */
  setOnline(userId: string, online: boolean): void {
    if (this.presence.value.get(userId) !== online) {
      setIn(this.presence, userId, online);
    }
  }

  /** Records whether an online user is away; going offline ends it. */
  setIdle(userId: string, idle: boolean): void {
    if ((this.idle.value.get(userId) ?? false) !== idle) {
      setIn(this.idle, userId, idle);
    }
  }

  /** A user's name, or "Someone" before it is known. */
  nameOf(userId: string): string {
    return this.users.value.get(userId)?.username ?? "Someone";
  }
}
