/**
 * `/healthz` (the process serves) and `/readyz` (its bus and store answer). `/readyz` keeps the
 * `bus` and `store` fields of PROTOCOL.md §1 and adds, for operators, each check's time and the
 * persistence projector's state: how many messages wait for the store and how old the oldest is.
 * A lagging projector does not make the instance unready: it still delivers, and history
 * catches up; the bus refuses new messages itself once the backlog reaches its bound.
 */
import { Hono } from "hono";
import { withDeadline } from "../lib/core/deadline.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import {
  handoffLag,
  type InstanceProbe,
} from "../lib/metrics/instance_gauges.ts";

const timeoutMs = 2000;

export function healthRoutes(deps: CoreDeps, probe?: InstanceProbe): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const [bus, store, lag] = await Promise.all([
      probeTimed(() => deps.bus.healthy()),
      probeTimed(() => deps.store.healthy()),
      probe ? handoffLag(probe) : null,
    ]);
    const ready = bus.ok && store.ok;
    const body = {
      status: ready ? "ready" : "unready",
      bus: bus.ok ? "ok" : "unreachable",
      store: store.ok ? "ok" : "unreachable",
      instance_id: deps.instanceId,
      checks: {
        bus: { status: bus.ok ? "ok" : "unreachable", ms: bus.ms },
        store: { status: store.ok ? "ok" : "unreachable", ms: store.ms },
      },
      projector: lag
        ? { backlog: lag.backlog, lag_ms: lag.lagMs }
        : { backlog: null, lag_ms: null },
    };
    return c.json(body, ready ? 200 : 503);
  });
  return app;
}

async function probeTimed(
  check: () => Promise<boolean>,
): Promise<{ ok: boolean; ms: number }> {
  const start = performance.now();
  const ok = await withDeadline(
    check().catch(() => false),
    timeoutMs,
    () => false,
  );
  return { ok, ms: Math.round(performance.now() - start) };
}
