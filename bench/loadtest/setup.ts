/**
 * Prepares a run over the public HTTP API (PROTOCOL.md §1): registers the users, creates the
 * groups and joins each user to the groups its sockets listen to. Done before anything is
 * measured; registration (scrypt) is the slow part, so a few run at once.
 */
import {
  ApiClient,
  newGroup,
  newUser,
} from "../../tests/helpers/api_client.ts";
import { membershipsOf, type SocketPlan } from "./plan.ts";

export interface Prepared {
  tokens: string[];
  groupIds: string[];
}

const concurrency = 4;

async function inParallel<T>(
  count: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** Registers `users` users and `groups` public groups, with the memberships `sockets` need. */
export async function prepare(
  baseUrl: string,
  users: number,
  groups: number,
  sockets: SocketPlan[],
): Promise<Prepared> {
  const run = crypto.randomUUID().slice(0, 6);
  const accounts = await inParallel(
    users,
    (i) => newUser(baseUrl, `lt${run}_${i}`),
  );
  const owner = accounts[0].api;
  const created = await inParallel(
    groups,
    (g) => newGroup(owner, `load ${g}`, true),
  );
  const memberships = membershipsOf(sockets);
  await inParallel(users, async (u) => {
    const api = new ApiClient(baseUrl, accounts[u].token);
    for (const g of memberships.get(u) ?? []) {
      const res = await api.post(`/api/groups/${created[g].id}/join`, {});
      if (res.status !== 200) {
        throw new Error(
          `join failed: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
    }
  });
  return {
    tokens: accounts.map((a) => a.token),
    groupIds: created.map((g) => g.id),
  };
}
