/**
 * The socket frames of PROTOCOL.md §6 that the app reacts to, parsed at the browser's edge like
 * parse_server_frame.ts: `group_updated {group}` and `member_updated {group_id, member}`.
 * A frame that is neither, or lacks a field the app reads, is null and ignored.
 */
import type { Group, Member, Role } from "../protocol/types.ts";

/** A §6 frame. */
export type GroupFrame =
  | { type: "group_updated"; group: Group }
  | { type: "member_updated"; group_id: string; member: Member };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === "string";
const roles: readonly string[] = ["owner", "admin", "member"] satisfies Role[];

/** Parses one socket text frame; null unless it is a well-formed §6 frame. */
export function parseGroupFrame(data: string): GroupFrame | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObj(raw)) return null;
  if (raw.type === "group_updated") {
    const g = raw.group;
    if (!isObj(g) || !str(g.id) || !str(g.name)) return null;
    return { type: "group_updated", group: g as unknown as Group };
  }
  if (raw.type === "member_updated") {
    const m = raw.member;
    if (
      !str(raw.group_id) || !isObj(m) || !str(m.id) || !str(m.username) ||
      !(m.role === undefined || roles.includes(m.role as string))
    ) return null;
    return {
      type: "member_updated",
      group_id: raw.group_id,
      member: { ...(m as unknown as Member), online: m.online === true },
    };
  }
  return null;
}
