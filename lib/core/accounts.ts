/** Registration, login, sessions and logout. */
import { decoyHash, hashPassword, verifyPassword } from "../auth/passwords.ts";
import { ChatError, errors } from "../protocol/errors.ts";
import type { User } from "../protocol/types.ts";
import type { StoredSession } from "../store/store.ts";
import { topics } from "../bus/topics.ts";
import type { CoreDeps } from "./deps.ts";
import { newId, randomSecret, sha256Hex } from "./ids.ts";
import { log } from "../log.ts";

/** How long a login session lasts. */
export const sessionTtlMs = 30 * 24 * 60 * 60 * 1000;

export interface Credentials {
  username: string;
  password: string;
}

/** A logged-in user with the token that proves it. */
export interface Login {
  user: User;
  token: string;
  session: StoredSession;
}

/** The authenticated caller of a request or socket. */
export interface Caller {
  user: User;
  session: StoredSession;
  /** Hash of the token that proved it, to re-check the session later. */
  tokenHash: string;
}

/** Creates an account and logs it in; `conflict` when the name is taken. */
export async function register(
  deps: CoreDeps,
  creds: Credentials,
): Promise<Login> {
  const user = { id: newId(deps.now()), username: creds.username };
  const created = await deps.store.createUser({
    ...user,
    password_hash: await hashPassword(creds.password),
    created_at: new Date(deps.now()).toISOString(),
  });
  if (!created) throw new ChatError("conflict", "That username is taken");
  return await startSession(deps, user);
}

/** Checks a name and password; the same `unauthorized` answer for either being wrong. */
export async function login(
  deps: CoreDeps,
  creds: Credentials,
): Promise<Login> {
  const stored = await deps.store.userByName(creds.username);
  const ok = await verifyPassword(
    creds.password,
    stored?.password_hash ?? decoyHash,
  );
  if (!stored || !ok) throw errors.unauthorized("Wrong username or password");
  return await startSession(deps, { id: stored.id, username: stored.username });
}

/** The caller a token belongs to, or null when it is unknown or expired. */
export async function authenticate(
  deps: CoreDeps,
  token: string,
): Promise<Caller | null> {
  if (!token || token.length > 512) return null;
  const tokenHash = await sha256Hex(token);
  const session = await deps.store.sessionByTokenHash(tokenHash);
  if (!session) return null;
  const stored = await deps.store.userById(session.user_id);
  if (!stored) return null;
  return {
    user: { id: stored.id, username: stored.username },
    session,
    tokenHash,
  };
}

/** Ends a session and tells every instance to close its sockets (4001). */
export async function logout(deps: CoreDeps, token: string): Promise<void> {
  const session = await deps.store.deleteSession(await sha256Hex(token));
  if (!session) return;
  await deps.bus.publish(topics.control, {
    kind: "session_ended",
    session_id: session.id,
  })
    .catch((err) =>
      log.warn(
        "accounts.logout_not_announced",
        "logout: could not tell other instances",
        { user_id: session.user_id, err },
      )
    );
}

async function startSession(deps: CoreDeps, user: User): Promise<Login> {
  const token = randomSecret();
  const now = deps.now();
  const session: StoredSession = {
    id: newId(now),
    user_id: user.id,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + sessionTtlMs).toISOString(),
  };
  await deps.store.createSession(await sha256Hex(token), session);
  return { user, token, session };
}
