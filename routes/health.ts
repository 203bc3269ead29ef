/** `/healthz` (the process serves) and `/readyz` (its bus and store answer). */
import { Hono } from "hono";
import { withDeadline } from "../lib/core/deadline.ts";
import type { CoreDeps } from "../lib/core/deps.ts";

const timeoutMs = 2000;

export function healthRoutes(deps: CoreDeps): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const [bus, store] = await Promise.all([
      probe(() => deps.bus.healthy()),
      probe(() => deps.store.healthy()),
    ]);
    const body = {
      bus: bus ? "ok" : "unreachable",
      store: store ? "ok" : "unreachable",
    };
    return c.json(body, bus && store ? 200 : 503);
  });
  return app;
}

function probe(check: () => Promise<boolean>): Promise<boolean> {
  return withDeadline(check().catch(() => false), timeoutMs, () => false);
}
