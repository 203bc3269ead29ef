/** The Origin check of the socket upgrade: same origin, or one of ALLOWED_ORIGINS. */

/** True when a browser with this Origin may open the gateway on `requestUrl`. */
export function originAllowed(
  origin: string | null,
  requestUrl: string,
  host: string | null,
  allowed: string[],
): boolean {
  if (origin === null) return true; // not a browser: bots and load generators send none
  if (allowed.includes(origin) || allowed.includes("*")) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  // Host only, not scheme: behind a TLS-terminating proxy the request arrives as http while the
  // page's Origin is https.
  return originHost === (host ?? new URL(requestUrl).host);
}
