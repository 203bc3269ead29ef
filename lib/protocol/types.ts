/** The shapes of PROTOCOL.md §1, shared by server, tests and browser code. */

/** A user as others see it. */
export interface User {
  id: string;
  username: string;
}

/** A group as the API returns it; member-only fields are optional. */
export interface Group {
  id: string;
  name: string;
  public: boolean;
  owner_id: string;
  created_at: string;
  invite_code?: string;
  unread_count?: number;
  last_read_seq?: number;
  /** §4: the caller's unread messages that mention them (every unread one in a DM). */
  mention_count?: number;
  /** §6: 0–500 chars. */
  description?: string;
  /** §6: `"dm"` for a direct conversation. */
  kind?: "group" | "dm";
  /** Addition: the caller muted this group (stored for the user, on every device). */
  muted?: boolean;
}

/** A chat message; `seq` is its gap-free position in its group. */
export interface Message {
  id: string;
  group_id: string;
  seq: number;
  author: User;
  text: string;
  created_at: string;
  nonce: string | null;
  edited_at?: string;
  deleted?: true;
  reactions?: Record<string, string[]>;
  /** §4: the rev of the latest change included in this state. */
  rev?: number;
  /** §4: the seq of the message this one replies to. */
  reply_to?: number;
  /** §4: ids of the members this message mentions (absent when none). */
  mentions?: string[];
  /** §5: the files sent with this message (absent when none). */
  attachments?: Attachment[];
}

/** §5: an uploaded file as clients see it; `url` is a same-origin path. */
export interface Attachment {
  id: string;
  name: string;
  content_type: string;
  size: number;
  url: string;
  /** Given for PNG, JPEG, GIF and WebP images. */
  width?: number;
  height?: number;
}

/** A member of a group with its cluster-wide presence. */
export interface Member extends User {
  online: boolean;
  /** §6. */
  role?: Role;
}

/** §6: a member's role in a group. */
export type Role = "owner" | "admin" | "member";
