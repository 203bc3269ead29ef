/**
 * Starts one instance from its adapters: the gateway (hub + single bus listener), the persistence
 * projector and the HTTP server; answers a handle whose `shutdown` is graceful.
 * Adapters are chosen by the caller (`main.ts`), never here.
 */
import type { Hono } from "hono";
import { createFanout } from "../gateway/fanout.ts";
import type { Gateway, GatewaySettings } from "../gateway/context.ts";
import { Hub } from "../gateway/hub.ts";
import { SocketAdmission } from "../gateway/admission.ts";
import { revalidateSockets } from "../gateway/revalidate.ts";
import { closeAll, noticeAll, startSweeper } from "../gateway/lifecycle.ts";
import { createApp } from "../routes/app.ts";
import type { HttpRateSettings } from "../routes/rate_limit.ts";
import { topics } from "./bus/topics.ts";
import { withDeadline } from "./core/deadline.ts";
import { announce } from "./core/presence_announcer.ts";
import type { CoreDeps } from "./core/deps.ts";
import { PersistenceProjector } from "./persistence/projector.ts";
import type { UploadSettings } from "./core/uploads.ts";
import { UploadQuota } from "./core/upload_quota.ts";
import { startOrphanSweeper } from "./core/attachment_cleanup.ts";

export interface ServerOptions {
  deps: CoreDeps;
  settings: GatewaySettings;
  port: number;
  host: string;
  pages?: (deps: CoreDeps) => Hono;
  http?: HttpRateSettings;
  shutdownGraceMs?: number;
  /** §5: upload limits; attachment routes are served when these and `deps.files` are given. */
  uploads?: UploadSettings;
}

export interface RunningServer {
  port: number;
  gateway: Gateway;
  projector: PersistenceProjector;
  /** Notice, close sockets with 1001, stop serving, flush history, release adapters. */
  shutdown(): Promise<void>;
}

export async function startServer(
  options: ServerOptions,
): Promise<RunningServer> {
  const { deps, settings } = options;
  const hub = new Hub(deps.bus);
  const admission = new SocketAdmission(settings.sockets);
  const gateway: Gateway = { deps, hub, settings, admission };
  deps.bus.setListener(createFanout(hub));
  deps.bus.setResumeListener(() => void revalidateSockets(gateway));
  await deps.bus.subscribe(topics.control);
  deps.presence.setExpiryListener((userIds) => {
    for (const userId of userIds) {
      announce(deps, userId, "offline").catch((err) =>
        console.warn(
          "presence: could not announce an expired user:",
          err?.message,
        )
      );
    }
  });
  const projector = new PersistenceProjector({
    bus: deps.bus,
    store: deps.store,
    consumer: deps.instanceId,
  });
  projector.start();
  const stopSweeper = startSweeper(gateway);
  const files = deps.files && options.uploads
    ? { storage: deps.files, settings: options.uploads }
    : null;
  const stopOrphanSweeper = files
    ? startOrphanSweeper(deps.store, files.storage, {
      intervalMs: files.settings.sweepIntervalMs,
      olderThanMs: files.settings.orphanTtlMs,
      now: deps.now,
    })
    : () => {};
  const app = createApp({
    gateway,
    pages: options.pages?.(deps),
    http: options.http,
    uploads: files
      ? {
        files: files.storage,
        quota: new UploadQuota(files.settings, deps.now),
        maxBytes: files.settings.maxBytes,
      }
      : undefined,
  });
  const server = Deno.serve({
    port: options.port,
    hostname: options.host,
    onListen: () => {},
  }, app.fetch);

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    stopping ??= (async () => {
      noticeAll(gateway, "The server is restarting; reconnect in a moment.");
      await new Promise((r) => setTimeout(r, options.shutdownGraceMs ?? 200));
      stopSweeper();
      stopOrphanSweeper();
      // Each step runs even if one before it failed (e.g. Redis is down): the process must exit.
      await step("close sockets", () => closeAll(gateway));
      await step("stop serving", () => server.shutdown());
      await step("flush history", () => projector.stop(), 10_000);
      await step("close presence", () => deps.presence.close());
      await step("close the bus", () => deps.bus.close());
      await step("close the store", () => deps.store.close());
      if (files) await step("close file storage", () => files.storage.close());
    })();
  return { port: server.addr.port, gateway, projector, shutdown };
}

/** One shutdown step: failures and overruns are logged, never thrown. */
async function step(what: string, fn: () => Promise<void>, timeoutMs = 5_000) {
  try {
    await withDeadline(fn(), timeoutMs, () => {
      console.warn(`shutdown: ${what} took over ${timeoutMs} ms; going on`);
    });
  } catch (err) {
    console.warn(`shutdown: ${what} failed:`, (err as Error)?.message ?? err);
  }
}
