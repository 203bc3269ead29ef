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

/** A same-site path to go to after login; anything else (other sites, `//x`) becomes "/". */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) {
    return "/";
  }
  try {
    const url = new URL(raw, "http://next.invalid");
    if (url.origin !== "http://next.invalid") return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}
