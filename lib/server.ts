/**
 * Starts one instance from its adapters: the gateway (hub + single bus listener), the persistence
 * projector and the HTTP server; answers a handle whose `shutdown` is graceful.
 * Adapters are chosen by the caller (`main.ts`), never here.
 */
import type { Hono } from "hono";
import { createFanout } from "../gateway/fanout.ts";
import type {
  Gateway,
  GatewaySettings,
  SocketLimits,
} from "../gateway/context.ts";
import { Hub } from "../gateway/hub.ts";
import {
  defaultSocketLimits,
  fitSocketLimits,
  SocketAdmission,
} from "../gateway/admission.ts";
import { openFileLimit, socketDescriptors } from "./open_files.ts";
import { revalidateSockets } from "../gateway/revalidate.ts";
import { closeAll, noticeAll, startSweeper } from "../gateway/lifecycle.ts";
import { createApp } from "../routes/app.ts";
import type { HttpRateSettings } from "../routes/rate_limit.ts";
import { type MetricsSettings, serveMetricsPort } from "../routes/metrics.ts";
import { topics } from "./bus/topics.ts";
import { withDeadline } from "./core/deadline.ts";
import { announce } from "./core/presence_announcer.ts";
import type { CoreDeps } from "./core/deps.ts";
import { PersistenceProjector } from "./persistence/projector.ts";
import {
  type InstanceProbe,
  observeInstance,
} from "./metrics/instance_gauges.ts";
import { observedBus } from "./metrics/observed_bus.ts";
import { timedStore } from "./metrics/timed_store.ts";
import { log } from "./log.ts";
import { reasonOf, StartupError } from "./startup.ts";
import type { UploadSettings } from "./core/uploads.ts";
import { UploadQuota } from "./core/upload_quota.ts";
import { startOrphanSweeper } from "./core/attachment_cleanup.ts";
import { listen } from "./listener.ts";

export interface ServerOptions {
  deps: CoreDeps;
  settings: GatewaySettings;
  port: number;
  host: string;
  pages?: (deps: CoreDeps) => Hono;
  http?: HttpRateSettings;
  shutdownGraceMs?: number;
  /** `/metrics` (off when neither a token nor a port is set). */
  metrics?: MetricsSettings;
  /** §5: upload limits; attachment routes are served when these and `deps.files` are given. */
  uploads?: UploadSettings;
  /** The persistence projector's linger (see `ProjectorOptions.lingerMs`). */
  projectorLingerMs?: number;
}

export interface RunningServer {
  port: number;
  gateway: Gateway;
  projector: PersistenceProjector;
  /** The port of the separate `/metrics` listener, when `metrics.port` was set. */
  metricsPort?: number;
  /** Notice, close sockets with 1001, stop serving, flush history, release adapters. */
  shutdown(): Promise<void>;
}

export async function startServer(
  options: ServerOptions,
): Promise<RunningServer> {
  const { settings } = options;
  // First, so a taken METRICS_PORT stops start-up before anything else has begun.
  const metricsServer = listenForMetrics(options);
  // Measured from the outside: the adapters and the core do not know they are observed.
  const deps = {
    ...options.deps,
    store: timedStore(options.deps.store),
    bus: observedBus(options.deps.bus),
  };
  const hub = new Hub(deps.bus);
  const admission = new SocketAdmission(socketLimits(settings.sockets));
  const gateway: Gateway = { deps, hub, settings, admission };
  deps.bus.setListener(createFanout(hub));
  deps.bus.setResumeListener(() => void revalidateSockets(gateway));
  await deps.bus.subscribe(topics.control);
  deps.presence.setExpiryListener((userIds) => {
    for (const userId of userIds) {
      announce(deps, userId, "offline").catch((err) =>
        log.warn(
          "presence.expiry_not_announced",
          "presence: could not announce an expired user",
          { user_id: userId, err },
        )
      );
    }
  });
  const projector = new PersistenceProjector({
    bus: deps.bus,
    store: deps.store,
    consumer: deps.instanceId,
    lingerMs: options.projectorLingerMs,
  });
  projector.start();
  const stopSweeper = startSweeper(gateway);
  const probe = instanceProbe(gateway, projector);
  const unobserve = observeInstance(probe);
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
    metrics: options.metrics,
    probe,
    uploads: files
      ? {
        files: files.storage,
        quota: new UploadQuota(files.settings, deps.now),
        maxBytes: files.settings.maxBytes,
      }
      : undefined,
  });
  const server = listen(
    { port: options.port, hostname: options.host },
    app.fetch,
  );

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
      await step("stop serving metrics", async () => {
        unobserve();
        await metricsServer?.shutdown();
      });
      await step("flush history", () => projector.stop(), 10_000);
      await step("close presence", () => deps.presence.close());
      await step("close the bus", () => deps.bus.close());
      await step("close the store", () => deps.store.close());
      if (files) await step("close file storage", () => files.storage.close());
    })();
  return {
    port: server.port,
    gateway,
    projector,
    metricsPort: metricsServer?.addr.port,
    shutdown,
  };
}

/** The configured socket caps, lowered (with a warning) to what the open-file limit can hold. */
function socketLimits(
  configured: SocketLimits = defaultSocketLimits,
): SocketLimits {
  const openFiles = openFileLimit();
  const fitted = fitSocketLimits(
    configured,
    openFiles === null ? null : socketDescriptors(openFiles),
  );
  if (fitted.maxSockets < configured.maxSockets) {
    log.warn(
      "server.sockets_capped",
      `MAX_SOCKETS ${configured.maxSockets} is above what the open-file limit ` +
        `(${openFiles}, see \`ulimit -n\`) can hold: at most ${fitted.maxSockets} sockets`,
      { max_sockets: fitted.maxSockets, open_files: openFiles },
    );
  }
  return fitted;
}

/** The separate `/metrics` listener, when `metrics.port` is set. */
function listenForMetrics(options: ServerOptions) {
  const port = options.metrics?.port;
  if (port === undefined) return null;
  try {
    return serveMetricsPort({ ...options.metrics, port }, options.host);
  } catch (err) {
    throw new StartupError(
      `Cannot serve metrics on ${options.host}:${port}: ${reasonOf(err)}`,
      "METRICS_PORT",
      { cause: err },
    );
  }
}

/** What the metrics and `/readyz` read from this instance. */
function instanceProbe(
  gateway: Gateway,
  projector: PersistenceProjector,
): InstanceProbe {
  const { hub, deps } = gateway;
  return {
    sockets: () => ({
      open: hub.open.size,
      identified: hub.connections.size,
      subscriptions: sum(hub.subscriptions.groupsOf.values(), (g) => g.size),
      groups: hub.subscriptions.listeners.size,
    }),
    persisted: () => projector.written,
    handoff: async () => (await deps.bus.handoffStats?.()) ?? null,
  };
}

/** One shutdown step: failures and overruns are logged, never thrown. */
async function step(what: string, fn: () => Promise<void>, timeoutMs = 5_000) {
  try {
    await withDeadline(fn(), timeoutMs, () => {
      log.warn(
        "shutdown.step_slow",
        `shutdown: ${what} took over ${timeoutMs} ms; going on`,
        { step: what },
      );
    });
  } catch (err) {
    log.warn("shutdown.step_failed", `shutdown: ${what} failed`, {
      step: what,
      err,
    });
  }
}

function sum<T>(items: Iterable<T>, count: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += count(item);
  return total;
}
