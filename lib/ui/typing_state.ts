/**
 * Who is typing where, as a pure value with expiry times, and the sentence that shows it.
 * A typing state that is not renewed expires (PROTOCOL.md §2.2), so every entry carries its end.
 */

/** group id → user id → time (ms) the typing state expires. */
export type TypingMap = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** Records (or renews) `userId` typing in `groupId` until `expiresAt`. */
export function startTyping(
  map: TypingMap,
  groupId: string,
  userId: string,
  expiresAt: number,
): TypingMap {
  const next = new Map(map);
  const users = new Map(map.get(groupId) ?? []);
  users.set(userId, expiresAt);
  next.set(groupId, users);
  return next;
}

/** Removes `userId` from `groupId`; returns the same map when it was not typing. */
export function stopTyping(
  map: TypingMap,
  groupId: string,
  userId: string,
): TypingMap {
  const users = map.get(groupId);
  if (!users?.has(userId)) return map;
  const next = new Map(map);
  const rest = new Map(users);
  rest.delete(userId);
  if (rest.size) next.set(groupId, rest);
  else next.delete(groupId);
  return next;
}

/** Drops every state that ended at or before `now`; returns the same map when none did. */
export function expireTyping(map: TypingMap, now: number): TypingMap {
  let next: Map<string, ReadonlyMap<string, number>> | null = null;
  for (const [groupId, users] of map) {
    const alive = [...users].filter(([, end]) => end > now);
    if (alive.length === users.size) continue;
    next ??= new Map(map);
    if (alive.length) next.set(groupId, new Map(alive));
    else next.delete(groupId);
  }
  return next ?? map;
}

/** The earliest expiry in the map, or null when nobody is typing. */
export function nextExpiry(map: TypingMap): number | null {
  let min: number | null = null;
  for (const users of map.values()) {
    for (const end of users.values()) if (min === null || end < min) min = end;
  }
  return min;
}

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…" or "". */
export function typingLine(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}
