/**
 * The HTTP API (PROTOCOL.md §1) for the browser. Every failure becomes an ApiError whose message
 * is a short sentence fit to show: the server's own message when it reads as one, else a sentence
 * chosen by status. Never a raw body, JSON or stack.
 */
import type { Group, Member, Message, User } from "../protocol/types.ts";
import { errorCodeText, readable } from "./error_text.ts";

/** A failed API call: HTTP status (0 when the server was not reached), error code, sentence. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

/** The answer to login and register. */
export interface Session {
  user: User;
  token: string;
}

/** One history page, oldest first. */
export interface HistoryPage {
  messages: Message[];
  /** More exist before the page (after it, for an `after_seq` page). */
  has_more: boolean;
  /** §4, pages around a seq: more exist after the page. */
  has_more_after?: boolean;
}

/** How to reach the API. */
export interface ApiClientOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Prefix of every path; "" for the same origin. */
  baseUrl?: string;
  /** Sent as a Bearer token when given; the browser relies on the session cookie instead. */
  token?: string;
}

const statusCodes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  429: "rate_limited",
  503: "unavailable",
};

/** Maps a failed response to an ApiError. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)
    ?.error;
  const code = typeof err?.code === "string"
    ? err.code
    : statusCodes[status] ?? (status >= 500 ? "internal" : "bad_request");
  const message = (status < 500 ? readable(err?.message) : null) ??
    errorCodeText(code);
  return new ApiError(status, code, message);
}

/** Typed calls to the HTTP API. */
export class ApiClient {
  readonly #fetch: typeof fetch;
  readonly #base: string;
  readonly #token?: string;

  constructor(options: ApiClientOptions = {}) {
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#base = options.baseUrl ?? "";
    this.#token = options.token;
  }

  /** Creates an account and its session. */
  register(username: string, password: string): Promise<Session> {
    return this.#call("POST", "/api/auth/register", { username, password });
  }

  /** Starts a session. */
  login(username: string, password: string): Promise<Session> {
    return this.#call("POST", "/api/auth/login", { username, password });
  }

  /** Ends the session (its sockets close with 4001). */
  async logout(): Promise<void> {
    await this.#call("POST", "/api/auth/logout");
  }

  /** The signed-in user. */
  async me(): Promise<User> {
    return (await this.#call<{ user: User }>("GET", "/api/me")).user;
  }

  /** The reader's groups with unread counts. */
  async groups(): Promise<Group[]> {
    return (await this.#call<{ groups: Group[] }>("GET", "/api/groups")).groups;
  }

  /** Public groups anyone may join. */
  async publicGroups(): Promise<Group[]> {
    return (await this.#call<{ groups: Group[] }>("GET", "/api/groups/public"))
      .groups;
  }

  /** Creates a group owned by the reader. */
  async createGroup(name: string, isPublic: boolean): Promise<Group> {
    const body = { name, public: isPublic };
    return (await this.#call<{ group: Group }>("POST", "/api/groups", body))
      .group;
  }

  /** Joins a group (public, or with its invite code). */
  async joinGroup(groupId: string, inviteCode?: string): Promise<Group> {
    const body = inviteCode ? { invite_code: inviteCode } : {};
    return (await this.#call<{ group: Group }>(
      "POST",
      `${groupPath(groupId)}/join`,
      body,
    )).group;
  }

  /** Leaves a group. */
  async leaveGroup(groupId: string): Promise<void> {
    await this.#call("POST", `${groupPath(groupId)}/leave`);
  }

  /** A group's members with presence. */
  async members(groupId: string): Promise<Member[]> {
    const path = `${groupPath(groupId)}/members`;
    return (await this.#call<{ members: Member[] }>("GET", path)).members;
  }

  /**
   * A history page: the newest, the one before `beforeSeq`, after `afterSeq`, or (§4) around
   * `aroundSeq` with about half of `limit` before it.
   */
  messages(
    groupId: string,
    page: {
      beforeSeq?: number;
      afterSeq?: number;
      aroundSeq?: number;
      limit?: number;
    } = {},
  ): Promise<HistoryPage> {
    const q = new URLSearchParams();
    if (page.beforeSeq !== undefined) {
      q.set("before_seq", String(page.beforeSeq));
    }
    if (page.afterSeq !== undefined) q.set("after_seq", String(page.afterSeq));
    if (page.aroundSeq !== undefined) {
      q.set("around_seq", String(page.aroundSeq));
    }
    if (page.limit !== undefined) q.set("limit", String(page.limit));
    const query = q.toString() ? `?${q}` : "";
    return this.#call("GET", `${groupPath(groupId)}/messages${query}`);
  }

  /** Any JSON call, for API modules kept beside this one (e.g. group_admin_api.ts). */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#call(method, path, body);
  }

  /** One message in its current state (§4). */
  async message(groupId: string, seq: number): Promise<Message> {
    return (await this.#call<{ message: Message }>(
      "GET",
      messagePath(groupId, seq),
    )).message;
  }

  /** Replaces the text of one of the reader's messages (§4). */
  async editMessage(groupId: string, seq: number, text: string) {
    const path = messagePath(groupId, seq);
    return (await this.#call<{ message: Message }>("PATCH", path, { text }))
      .message;
  }

  /** Deletes a message; answers its tombstone (§4). */
  async deleteMessage(groupId: string, seq: number): Promise<Message> {
    const path = messagePath(groupId, seq);
    return (await this.#call<{ message: Message }>("DELETE", path)).message;
  }

  /** Adds (`on`) or removes the reader's reaction (§4). */
  async setReaction(
    ref: { groupId: string; seq: number; emoji: string },
    on: boolean,
  ): Promise<Message> {
    const path = `${messagePath(ref.groupId, ref.seq)}/reactions/${
      encodeURIComponent(ref.emoji)
    }`;
    return (await this.#call<{ message: Message }>(on ? "PUT" : "DELETE", path))
      .message;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let res: Response;
    try {
      res = await this.#fetch(this.#base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch {
      throw new ApiError(
        0,
        "network",
        "Cannot reach the server. Check your connection.",
      );
    }
    const text = await res.text().catch(() => "");
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch { /* not JSON: handled below */ }
    if (!res.ok) throw errorFromResponse(res.status, data);
    if (res.status === 204) return undefined as T;
    if (typeof data !== "object" || data === null) {
      throw new ApiError(
        res.status,
        "bad_response",
        "The server sent an unexpected answer.",
      );
    }
    return data as T;
  }
}

/** The API path of a group. */
export function groupPath(groupId: string): string {
  return `/api/groups/${encodeURIComponent(groupId)}`;
}

function messagePath(groupId: string, seq: number): string {
  return `${groupPath(groupId)}/messages/${seq}`;
}
