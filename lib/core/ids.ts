/** Opaque ids and secrets. */

/** A new random id: time-ordered prefix (so keys sort by creation) and 80 random bits. */
export function newId(now = Date.now()): string {
  const time = now.toString(36).padStart(9, "0");
  const random = crypto.getRandomValues(new Uint8Array(10));
  let tail = "";
  for (const byte of random) tail += (byte % 36).toString(36);
  return time + tail;
}

/** A random secret as base64url text (`bytes` of entropy). */
export function randomSecret(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replaceAll("+", "-").replaceAll(
    "/",
    "_",
  )
    .replaceAll("=", "");
}

/** Hex SHA-256 of a text, used to store session tokens hashed. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}
