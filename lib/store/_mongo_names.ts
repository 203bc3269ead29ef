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
  bans: "bans",
  mutes: "mutes",
  invites: "invites",
  events: "events",
} as const;
