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
}

/** A member of a group with its cluster-wide presence. */
export interface Member extends User {
  online: boolean;
}
