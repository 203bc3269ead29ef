/**
 * Running a group from the browser (PROTOCOL.md §6): settings, invite rotation, roles, removal
 * and bans, direct messages and per-group mute, and the §6 frames that keep every open app in
 * step. Removal of the reader needs nothing here: the server's `unsubscribed` drops the group.
 */
import { batch } from "@preact/signals-core";
import type { ServerFrameOf } from "../protocol/server_frames.ts";
import type { Group, Member } from "../protocol/types.ts";
import type { ChatModel } from "./chat_model.ts";
import type { GroupAdminApi, GroupPatch } from "./group_admin_api.ts";
import { setIn } from "./signal_map.ts";

/** A §6 frame that changes a group or a member. */
export type GroupFrame = ServerFrameOf<
  "group_updated" | "group_added" | "member_updated"
>;

/** Whether the reader muted a group (stored for them, honoured on every device). */
export function isMuted(group: Group): boolean {
  return group.muted === true;
}

/** Fields of a Group that only its own reader is told; `group_updated` never carries them. */
const privateFields = [
  "invite_code",
  "unread_count",
  "last_read_seq",
  "mention_count",
  "muted",
] as const;

/** Wiring of a GroupAdmin. */
export interface GroupAdminOptions {
  model: ChatModel;
  api: GroupAdminApi;
  /**
   * Subscribes the socket to a group the reader just got (a DM), replaying it from its first
   * message: the message that created it may have been published before the subscription.
   */
  subscribeFromStart(groupId: string): void;
  /** Opens a group in the app. */
  open(groupId: string): void;
}

/** The reader's powers over groups, and the frames that report others' use of them. */
export class GroupAdmin {
  readonly #o: GroupAdminOptions;

  constructor(options: GroupAdminOptions) {
    this.#o = options;
  }

  /** Applies a §6 frame to the model. */
  applyFrame(frame: GroupFrame): void {
    switch (frame.type) {
      case "group_updated":
        return this.#mergeGroup(frame.group);
      case "group_added":
        return this.#adopt(frame.group);
      case "member_updated":
        return this.#putMember(frame.group_id, frame.member);
    }
  }

  /** Saves settings; the answer (and every other app, by `group_updated`) shows them. */
  async updateGroup(groupId: string, patch: GroupPatch): Promise<Group> {
    const group = await this.#o.api.updateGroup(groupId, patch);
    this.#mergeGroup(group, true);
    return group;
  }

  /** Replaces the invite code; the old one stops working. */
  async rotateInvite(groupId: string): Promise<Group> {
    const group = await this.#o.api.rotateInvite(groupId);
    this.#mergeGroup(group, true);
    return group;
  }

  /** Makes a member an admin or back a member. */
  async setRole(
    groupId: string,
    userId: string,
    role: "admin" | "member",
  ): Promise<void> {
    this.#putMember(groupId, await this.#o.api.setRole(groupId, userId, role));
  }

  /** Removes a member, banning them when asked. */
  async remove(groupId: string, userId: string, ban: boolean): Promise<void> {
    await this.#o.api.removeMember(groupId, userId, ban);
    const members = this.#o.model.members.value.get(groupId);
    if (members) {
      setIn(
        this.#o.model.members,
        groupId,
        members.filter((m) => m.id !== userId),
      );
    }
  }

  /** Lets a banned user (by exact username) join again. */
  async unban(groupId: string, username: string): Promise<void> {
    const user = await this.#o.api.lookupUser(username.trim());
    await this.#o.api.unban(groupId, user.id);
  }

  /** Opens the reader's DM with a user (by exact username), creating it the first time. */
  async openDm(username: string): Promise<Group> {
    const group = await this.#o.api.openDm(username.trim());
    this.#adopt(group);
    this.#o.open(group.id);
    return group;
  }

  /** Mutes or unmutes a group's notifications for the reader, on every device. */
  async setMuted(groupId: string, muted: boolean): Promise<void> {
    const group = await this.#o.api.setMuted(groupId, muted);
    const current = this.#o.model.groups.value.find((g) => g.id === groupId);
    if (current) {
      this.#o.model.addGroup({ ...current, ...group, muted });
    }
  }

  /** Adds a group the reader is now in and subscribes to it, once. */
  #adopt(group: Group): void {
    const { model } = this.#o;
    const known = model.hasGroup(group.id);
    model.addGroup(group);
    if (!known) this.#o.subscribeFromStart(group.id);
  }

  /**
   * Merges a group's new public state into the held one. From a frame, the reader's own
   * fields (invite code, counts, mute) are kept; from the reader's own request, the answer wins.
   */
  #mergeGroup(group: Group, own = false): void {
    const { model } = this.#o;
    const current: Group | undefined = model.groups.value.find((g) =>
      g.id === group.id
    );
    if (!current) return;
    const next: Group = { ...current, ...group };
    if (!own) {
      for (const f of privateFields) {
        if (current[f] === undefined) delete next[f];
        else (next as unknown as Record<string, unknown>)[f] = current[f];
      }
    }
    model.addGroup(next);
  }

  /** Replaces a member in a loaded list (a list not loaded gets it on load). */
  #putMember(groupId: string, member: Member): void {
    const { model } = this.#o;
    const members = model.members.value.get(groupId);
    if (!members) return;
    batch(() => {
      model.people.learn(member);
      setIn(
        model.members,
        groupId,
        members.map((m) =>
          m.id === member.id ? { ...m, ...member, online: m.online } : m
        ),
      );
    });
  }
}
