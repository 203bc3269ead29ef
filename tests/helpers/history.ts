/** Reading a group's whole history over HTTP, and waiting for it (or anything) with a deadline. */
import type { ApiClient } from "./api_client.ts";
import type { Frame } from "./gateway_client.ts";

/** Every message of a group, oldest first, paged through `GET /api/groups/:id/messages`. */
export async function fullHistory(
  api: ApiClient,
  groupId: string,
): Promise<Frame[]> {
  const history: Frame[] = [];
  let before: number | undefined;
  // Bounded: a page of 100 per round, and no history here is longer than 100 pages.
  for (let page = 0; page < 100; page++) {
    const res = await api.get(
      `/api/groups/${groupId}/messages?limit=100${
        before ? `&before_seq=${before}` : ""
      }`,
    );
    if (res.status !== 200) {
      throw new Error(`history: ${res.status} ${JSON.stringify(res.body)}`);
    }
    history.unshift(...res.body.messages);
    if (!res.body.has_more) return history;
    before = res.body.messages[0].seq;
  }
  throw new Error("history: more than 100 pages");
}

/**
 * Polls `check` every `intervalMs` until it answers something other than `undefined` or `false`,
 * and answers that; fails naming `what` after `timeoutMs`. Errors thrown by `check` count as
 * "not yet" and the last one is reported.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  while (true) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}` +
          (last ? `: ${(last as Error)?.message ?? last}` : ""),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
