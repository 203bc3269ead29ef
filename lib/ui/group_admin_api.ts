/**
 * The HTTP calls of PROTOCOL.md §6 (settings, invites, roles, removal and bans, direct
 * messages) and the per-group mute addition, over the same ApiClient and error sentences.
 */
import type { Group, Member, Role, User } from "../protocol/types.ts";
import { type ApiClient, groupPath } from "./api_client.ts";

/** The fields of a group its owner and admins may change. */
export interface GroupPatch {
  name?: string;
  description?: string;
  public?: boolean;
}

/** What GroupAdmin needs from the server (tests pass a fake). */
export interface GroupAdminApi {
  updateGroup(groupId: string, patch: GroupPatch): Promise<Group>;
  rotateInvite(groupId: string): Promise<Group>;
  setRole(
    groupId: string,
    userId: string,
    role: "admin" | "member",
  ): Promise<Member>;
  removeMember(groupId: string, userId: string, ban: boolean): Promise<void>;
  unban(groupId: string, userId: string): Promise<void>;
  openDm(username: string): Promise<Group>;
  /** One user by exact username (never a list); `not_found` when none. */
  lookupUser(username: string): Promise<User>;
  setMuted(groupId: string, muted: boolean): Promise<Group | null>;
}

/** GroupAdminApi over HTTP. */
export function httpGroupAdminApi(api: ApiClient): GroupAdminApi {
  const memberPath = (groupId: string, userId: string) =>
    `${groupPath(groupId)}/members/${encodeURIComponent(userId)}`;
  return {
    async updateGroup(groupId, patch) {
      return (await api.request<{ group: Group }>(
        "PATCH",
        groupPath(groupId),
        patch,
      )).group;
    },
    async rotateInvite(groupId) {
      const path = `${groupPath(groupId)}/invite`;
      return (await api.request<{ group: Group }>("POST", path)).group;
    },
    async setRole(groupId, userId, role: Exclude<Role, "owner">) {
      const path = `${memberPath(groupId, userId)}/role`;
      return (await api.request<{ member: Member }>("PUT", path, { role }))
        .member;
    },
    async removeMember(groupId, userId, ban) {
      await api.request(
        "DELETE",
        memberPath(groupId, userId) + (ban ? "?ban=1" : ""),
      );
    },
    async unban(groupId, userId) {
      await api.request(
        "DELETE",
        `${groupPath(groupId)}/bans/${encodeURIComponent(userId)}`,
      );
    },
    async openDm(username) {
      return (await api.request<{ group: Group }>("POST", "/api/dms", {
        username,
      })).group;
    },
    async lookupUser(username) {
      const q = new URLSearchParams({ username });
      const path = `/api/users/lookup?${q}`;
      return (await api.request<{ user: User }>("GET", path)).user;
    },
    async setMuted(groupId, muted) {
      const path = `${groupPath(groupId)}/mute`;
      // The answer's shape is an addition; a body without a group still means success.
      const res = await api.request<{ group?: Group } | undefined>(
        "PUT",
        path,
        { muted },
      );
      return res?.group ?? null;
    },
  };
}
