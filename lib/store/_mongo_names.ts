/**
 * The MongoDB collection names of the store. The database named in `MONGODB_URI` is the
 * namespace, so the names stay plain; every adapter module takes them from here.
 */
export const collections = {
  users: "users",
  sessions: "sessions",
  groups: "groups",
  memberships: "memberships",
  messages: "messages",
  reads: "reads",
  /** §5: attachment metadata; the bytes are in GridFS (`fs.files`, `fs.chunks`). */
  attachments: "attachments",
  /** §5: one document per claimed attachment, unique by attachment id. */
  attachmentClaims: "attachment_claims",
  bans: "bans",
  mutes: "mutes",
  invites: "invites",
  owners: "owners",
  events: "events",
} as const;
