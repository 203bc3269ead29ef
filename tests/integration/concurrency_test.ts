/**
 * 20 clients each send 25 messages to one group at once: every subscriber receives all 500
 * exactly once in strictly increasing seq, the seqs are exactly 1..500, and history holds all 500.
 * The burst itself lives in `tests/helpers/burst.ts`; the cluster tests run it over three instances.
 */
import { concurrentBurst } from "../helpers/burst.ts";
import { integration, withServer } from "../helpers/fixture.ts";

Deno.test(
  "500 concurrent messages from 20 clients arrive exactly once, in seq order, and are all in history",
  integration,
  async () => {
    await withServer({}, async (server) => await concurrentBurst([server]));
  },
);
