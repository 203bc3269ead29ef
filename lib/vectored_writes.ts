/**
 * Deno's WebSocket keeps a per-socket write buffer as large as the largest frame it ever sent
 * (the `ready` of a user in 50 groups is ~14 KB), and keeps it for the socket's life: an idle,
 * subscribed socket then costs ~35 KB of RSS instead of the bare ~23 KB. With vectored writes
 * (`writev` of the frame header and payload) there is no such buffer. Deno reads its switch,
 * `DENO_USE_WRITEV`, once, at the first socket write; so it is set here, before the server
 * starts, unless the operator set it (to an empty value to keep Deno's default).
 */

/** Turns Deno's vectored socket writes on unless `DENO_USE_WRITEV` says otherwise. */
export function preferVectoredWrites(): void {
  try {
    if (Deno.env.get("DENO_USE_WRITEV") === undefined) {
      Deno.env.set("DENO_USE_WRITEV", "1");
    }
  } catch {
    // No environment access (a sandboxed platform): Deno's default writes stay.
  }
}
