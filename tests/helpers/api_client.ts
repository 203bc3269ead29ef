/** A small HTTP client for tests, speaking PROTOCOL.md §1. */
import type { Frame } from "./gateway_client.ts";

export interface ApiResponse {
  status: number;
  body: Frame;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly baseUrl: string, public token?: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined
        ? undefined
        : typeof body === "string"
        ? body
        : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : {},
      headers: res.headers,
    };
  }

  get = (path: string) => this.request("GET", path);
  post = (path: string, body?: unknown) => this.request("POST", path, body);
}

/** Registers a user and answers an authenticated client with its user. */
export async function newUser(baseUrl: string, name?: string) {
  const username = name ?? `u${crypto.randomUUID().slice(0, 8)}`;
  const api = new ApiClient(baseUrl);
  const res = await api.post("/api/auth/register", {
    username,
    password: "correct horse",
  });
  if (res.status !== 201) {
    throw new Error(
      `register failed: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  api.token = res.body.token;
  return {
    api,
    user: res.body.user as { id: string; username: string },
    token: res.body.token as string,
  };
}

/** Creates a group as `owner` and answers it. */
export async function newGroup(
  api: ApiClient,
  name = "test group",
  isPublic = true,
) {
  const res = await api.post("/api/groups", { name, public: isPublic });
  if (res.status !== 201) throw new Error(`create group failed: ${res.status}`);
  return res.body.group as { id: string; invite_code: string; name: string };
}
