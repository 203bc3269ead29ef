/**
 * The browser pages and their static assets. Pages are rendered on the server with
 * preact-render-to-string; each island is rendered in place and hydrated in the browser from a
 * JSON props tag. Assets come from static/ on disk, or from the module the build writes
 * (static/build/assets.ts) when the disk copy is missing, e.g. in a single-file deploy.
 */
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";
import { AuthLayout } from "../components/auth_layout.tsx";
import { IslandRoot } from "../components/island_root.tsx";
import { PageShell } from "../components/page_shell.tsx";
import { type IslandName, islands } from "../islands/registry.ts";
import type { User } from "../lib/protocol/types.ts";
import { safeNextPath } from "../lib/ui/urls.ts";
import { log } from "../lib/log.ts";

/** What the pages need from the rest of the server. */
export interface PageDeps {
  /** The signed-in user of a request (session cookie), or null. */
  userFromRequest(req: Request): Promise<User | null>;
}

interface Asset {
  body: Uint8Array;
  gzip: Uint8Array | null;
  type: string;
  /** Content hash: the `?v=` of immutable URLs and the ETag. */
  version: string;
}

/** The only files served under /static: no path from a request ever reaches the file system. */
const assetFiles: Record<string, { file: string; type: string }> = {
  "/static/app.css": {
    file: "../static/app.css",
    type: "text/css; charset=utf-8",
  },
  "/static/build/islands.js": {
    file: "../static/build/islands.js",
    type: "text/javascript; charset=utf-8",
  },
  "/static/favicon.svg": {
    file: "../static/favicon.svg",
    type: "image/svg+xml",
  },
};

async function makeAsset(body: Uint8Array, type: string): Promise<Asset> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", body as BufferSource),
  );
  const version = [...digest.slice(0, 8)].map((b) =>
    b.toString(16).padStart(2, "0")
  ).join("");
  let gzip: Uint8Array | null = null;
  if (body.length > 1024) {
    const stream = new Blob([body as BlobPart]).stream().pipeThrough(
      new CompressionStream("gzip"),
    );
    gzip = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return { body, gzip, type, version };
}

/** Loads assets, re-reading a file when its modification time changes (a rebuild). */
class AssetStore {
  readonly #cache = new Map<string, { mtime: number; asset: Asset }>();
  #embedded: Promise<Record<string, string> | null> | null = null;

  async get(path: string): Promise<Asset | null> {
    const spec = assetFiles[path];
    if (!spec) return null;
    const url = new URL(spec.file, import.meta.url);
    const cached = this.#cache.get(path);
    try {
      const mtime = (await Deno.stat(url)).mtime?.getTime() ?? 0;
      if (cached?.mtime === mtime) return cached.asset;
      const asset = await makeAsset(await Deno.readFile(url), spec.type);
      this.#cache.set(path, { mtime, asset });
      return asset;
    } catch {
      if (cached) return cached.asset;
      this.#embedded ??= import("../static/build/assets.ts").then(
        (m: { assets: Record<string, string> }) => m.assets,
        () => null,
      );
      const text = (await this.#embedded)?.[path];
      if (text === undefined) return null;
      const asset = await makeAsset(new TextEncoder().encode(text), spec.type);
      this.#cache.set(path, { mtime: -1, asset });
      return asset;
    }
  }

  /** The URL of an asset with its version, so it can be cached for good. */
  async href(path: string): Promise<string> {
    const asset = await this.get(path);
    if (!asset) {
      log.warn(
        "pages.asset_missing",
        `pages: ${path} is missing; run scripts/build_islands.ts`,
        { path },
      );
    }
    return asset ? `${path}?v=${asset.version}` : path;
  }

  async serve(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const asset = await this.get(url.pathname);
    if (!asset) return new Response("Not found", { status: 404 });
    const etag = `"${asset.version}"`;
    const headers = new Headers({
      "content-type": asset.type,
      etag,
      vary: "accept-encoding",
      "x-content-type-options": "nosniff",
      // A versioned URL never changes; an unversioned one must be revalidated.
      "cache-control": url.searchParams.get("v") === asset.version
        ? "public, max-age=31536000, immutable"
        : "no-cache",
    });
    if (req.headers.get("if-none-match") === etag) {
      return new Response(null, { status: 304, headers });
    }
    const gzip = asset.gzip &&
      /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
    if (gzip) headers.set("content-encoding", "gzip");
    return new Response((gzip ? asset.gzip : asset.body) as BodyInit, {
      headers,
    });
  }
}

function securityHeaders(req: Request): Record<string, string> {
  const host = new URL(req.url).host.replace(/[^a-zA-Z0-9.:\-\[\]]/g, "");
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ws://${host} wss://${host}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
  };
}

/** Builds the page router. */
export function pageRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  const assets = new AssetStore();

  async function page<N extends IslandName>(
    req: Request,
    title: string,
    island: N,
    props: Parameters<(typeof islands)[N]>[0],
    wrap: (island: ComponentChildren) => ComponentChildren = (x) => x,
  ): Promise<Response> {
    const Island = islands[island] as (p: typeof props) => ComponentChildren;
    const [cssHref, scriptSrc] = await Promise.all([
      assets.href("/static/app.css"),
      assets.href("/static/build/islands.js"),
    ]);
    const body = (
      <IslandRoot name={island} id={`${island}-props`} props={props}>
        <Island {...props} />
      </IslandRoot>
    );
    const html = render(
      <PageShell title={title} cssHref={cssHref} scriptSrc={scriptSrc}>
        {wrap(body)}
      </PageShell>,
    );
    return new Response(`<!doctype html>${html}`, {
      headers: securityHeaders(req),
    });
  }

  /** The user, or undefined when the session store failed (answered with a plain 503 page). */
  async function user(req: Request): Promise<User | null | undefined> {
    try {
      return await deps.userFromRequest(req);
    } catch (err) {
      log.error("pages.session_unreadable", "pages: cannot read the session", {
        err,
      });
      return undefined;
    }
  }
  const unavailable = () =>
    new Response(
      "<!doctype html><title>Salvioris</title><p>Salvioris is having trouble right now. " +
        "Please try again in a moment.</p>",
      {
        status: 503,
        headers: {
          "content-type": "text/html; charset=utf-8",
          "retry-after": "5",
        },
      },
    );
  const here = (req: Request) => {
    const u = new URL(req.url);
    return u.pathname + u.search;
  };
  const toLogin = (req: Request) =>
    new Response(null, {
      status: 302,
      headers: { location: `/login?next=${encodeURIComponent(here(req))}` },
    });
  const redirect = (location: string, status = 302) =>
    new Response(null, { status, headers: { location } });

  app.get("/static/*", (c) => assets.serve(c.req.raw));

  app.get("/", async (c) => {
    const me = await user(c.req.raw);
    if (me === undefined) return unavailable();
    if (!me) {
      return c.req.query("group") ? toLogin(c.req.raw) : redirect("/login");
    }
    const group = c.req.query("group");
    const initialGroupId = group && group.length <= 64 ? group : null;
    return page(c.req.raw, "Salvioris", "chat_app", {
      user: me,
      initialGroupId,
    });
  });

  for (const mode of ["login", "register"] as const) {
    app.get(`/${mode}`, async (c) => {
      const next = safeNextPath(c.req.query("next"));
      const me = await user(c.req.raw);
      if (me === undefined) return unavailable();
      const expired = mode === "login" && c.req.query("expired") !== undefined;
      if (me && !expired) return redirect(next);
      const title = mode === "login"
        ? "Log in · Salvioris"
        : "Create an account · Salvioris";
      const initialError = c.req.query("nojs")
        ? "Turn on JavaScript to continue."
        : expired
        ? "Your session has ended. Please log in again."
        : null;
      return page(
        c.req.raw,
        title,
        "auth_form",
        { mode, next, initialError },
        (island) => <AuthLayout>{island}</AuthLayout>,
      );
    });
    // The form posts here only when its script did not run; never accept a password this way.
    app.post(`/${mode}`, () => redirect(`/${mode}?nojs=1`, 303));
  }

  app.get("/join/:id", async (c) => {
    const groupId = c.req.param("id");
    if (!groupId || groupId.length > 64) return redirect("/");
    const me = await user(c.req.raw);
    if (me === undefined) return unavailable();
    if (!me) return toLogin(c.req.raw);
    const code = c.req.query("code")?.slice(0, 64) || null;
    const props = { groupId, code, username: me.username };
    return page(
      c.req.raw,
      "Join a group · Salvioris",
      "join_invite",
      props,
      (island) => <AuthLayout>{island}</AuthLayout>,
    );
  });

  // Mounted last: any other GET is a page that does not exist. Answer in HTML, never JSON.
  app.get("*", async (c) => {
    const cssHref = await assets.href("/static/app.css");
    const html = render(
      <PageShell title="Not found · Salvioris" cssHref={cssHref}>
        <AuthLayout>
          <h1 class="auth-title">Page not found</h1>
          <p class="muted">There is nothing at this address.</p>
          <a class="button button--primary button--wide" href="/">
            Go to your groups
          </a>
        </AuthLayout>
      </PageShell>,
    );
    const headers = securityHeaders(c.req.raw);
    return new Response(`<!doctype html>${html}`, { status: 404, headers });
  });

  return app;
}
