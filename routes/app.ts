/** The HTTP application: API, gateway, health and pages on one Hono app, with one error shape. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Gateway } from "../gateway/context.ts";
import { ChatError, httpStatus, toChatError } from "../lib/protocol/errors.ts";
import { authRoutes } from "./api_auth.ts";
import { gatewayRoutes } from "./gateway.ts";
import { groupRoutes } from "./api_groups.ts";
import { dmRoutes } from "./api_dms.ts";
import { healthRoutes } from "./health.ts";
import { metricsRoutes, type MetricsSettings } from "./metrics.ts";
import type { InstanceProbe } from "../lib/metrics/instance_gauges.ts";
import { log } from "../lib/log.ts";
import { authGuards } from "./auth_guard.ts";
import type { HttpRateSettings } from "./rate_limit.ts";
import { apiHeaders, refuseCrossSite, strictTransport } from "./security.ts";
import type { UploadDeps } from "../lib/core/uploads.ts";
import { attachmentRoutes, uploadPathPattern } from "./api_attachments.ts";

export interface AppOptions {
  gateway: Gateway;
  http?: HttpRateSettings;
  /** The browser UI's routes, mounted last. */
  pages?: Hono;
  /** `/metrics` on this app: only with a token. */
  metrics?: MetricsSettings;
  /** What `/readyz` reports of the instance (hand-off backlog, projector lag). */
  probe?: InstanceProbe;
  /** §5: file storage and upload limits; without them the attachment routes answer 404. */
  uploads?: UploadDeps;
}

/** Budgets that suit a laptop; `main.ts` passes the configured ones. */
const defaultHttp: HttpRateSettings = { authBurst: 1000, authPerMinute: 600 };

export function createApp(
  { gateway, pages, http = defaultHttp, metrics = {}, probe, uploads }:
    AppOptions,
): Hono {
  const app = new Hono();
  const deps = gateway.deps;
  app.use("*", strictTransport());
  app.use("/api/*", apiHeaders());
  app.use("*", refuseCrossSite(gateway.settings.allowedOrigins));
  const jsonLimit = bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new ChatError("too_large", "Body over 64 KiB");
    },
  });
  // An upload streams to storage under its own limit (MAX_UPLOAD_BYTES), counted as it arrives.
  app.use(
    "/api/*",
    (c, next) =>
      c.req.method === "POST" && uploadPathPattern.test(c.req.path)
        ? next()
        : jsonLimit(c, next),
  );
  app.route("/", healthRoutes(deps, probe));
  app.route("/", metricsRoutes(metrics));
  app.route("/", gatewayRoutes(gateway));
  const guards = authGuards(http);
  app.use("/api/auth/register", ...guards.register);
  app.use("/api/auth/login", ...guards.login);
  app.route("/", authRoutes(deps));
  if (uploads) app.route("/api/groups", attachmentRoutes(deps, uploads));
  app.route("/api/groups", groupRoutes(deps, gateway.settings.rates));
  app.route("/api", dmRoutes(deps, gateway.settings.rates));
  app.all("/api/*", () => {
    throw new ChatError("not_found", "No such endpoint");
  });
  if (pages) app.route("/", pages);
  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: "Not found" } }, 404)
  );
  app.onError((err, c) => {
    if (err instanceof HTTPException && !(err.cause instanceof ChatError)) {
      return c.json(
        { error: { code: "bad_request", message: err.message } },
        err.status,
      );
    }
    const error = toChatError(err instanceof HTTPException ? err.cause : err);
    if (error.code === "internal") {
      log.error("http.unexpected_error", "http: unexpected error", {
        method: c.req.method,
        path: c.req.routePath,
        err,
      });
    }
    const status = httpStatus[error.code] as 400;
    return c.json({
      error: { code: error.code, message: error.message, ...error.details },
    }, status);
  });
  return app;
}
