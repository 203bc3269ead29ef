/** Small pure helpers for the app's own URLs: invite links and post-login redirects. */

/** A group id and invite code taken from an invite link. */
export interface Invite {
  groupId: string;
  code: string | null;
}

/** The shareable invite link of a group: `/join/:id?code=…` on this origin. */
export function inviteLink(
  origin: string,
  groupId: string,
  code: string,
): string {
  return `${origin}/join/${encodeURIComponent(groupId)}?code=${
    encodeURIComponent(code)
  }`;
}

/** Reads a pasted invite link (full URL or `/join/...` path); null when it is not one. */
export function parseInviteLink(text: string): Invite | null {
  const raw = text.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw, "http://invite.invalid");
  } catch {
    return null;
  }
  const m = /^\/join\/([^/]+)\/?$/.exec(url.pathname);
  if (!m) return null;
  let groupId: string;
  try {
    groupId = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  if (!groupId || groupId.length > 64) return null;
  const code = url.searchParams.get("code");
  return { groupId, code: code ? code.slice(0, 64) : null };
}

const base = "http://next.invalid";

/** C0 and C1 controls, DEL and the spaces a URL parser strips or a browser may ignore. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const unsafeChars = /[\u0000-\u0020\u007F-\u009F\\]/;

/**
 * A same-origin path to go to after login; anything else becomes "/". The path is resolved the
 * way a browser would (dot segments, `%2e`, backslashes) and only its path, query and hash are
 * kept; a result a browser would read as another host (`//x`, `/\x`) is refused too, so inputs
 * such as `/.//evil`, `/%2e//evil` or `/a/..//evil` cannot smuggle one out.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000 || !raw.startsWith("/")) return "/";
  if (unsafeChars.test(raw) || !raw.isWellFormed()) return "/";
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return "/";
  }
  if (url.origin !== base) return "/";
  const path = url.pathname + url.search + url.hash;
  if (
    !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")
  ) {
    return "/";
  }
  return path;
}
