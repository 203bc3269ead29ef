/** Test doubles for the browser core: a clock moved by hand and sockets driven by the test. */
import type { Clock, TimerId } from "../../lib/ui/clock.ts";
import type {
  SocketConnection,
  SocketFactory,
  SocketHandlers,
} from "../../lib/ui/socket_client.ts";
import type { ServerFrame } from "../../lib/protocol/server_frames.ts";
import type { Group, Member, Message, User } from "../../lib/protocol/types.ts";
import { ApiError, type HistoryPage } from "../../lib/ui/api_client.ts";
import type { GatewayPort } from "../../lib/ui/chat_controller.ts";
import type { OutgoingFrame } from "../../lib/ui/outgoing_frames.ts";

/** A clock whose time only moves through `advance`, running due timers in order. */
export class FakeClock implements Clock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(id: TimerId): void {
    this.#timers.delete(id);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing every timer that falls due (including ones armed meanwhile). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.#timers) {
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) {
          due = entry;
        }
      }
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
    }
    this.#now = end;
  }
}

/** One socket opened by the client under test. */
export class FakeSocket implements SocketConnection {
  readonly sent: Record<string, unknown>[] = [];
  closed: { code?: number; reason?: string } | null = null;

  constructor(readonly url: string, readonly handlers: SocketHandlers) {}

  send(data: string): void {
    if (this.closed) throw new Error("send on a closed socket");
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }

  /** Delivers a frame from the "server". */
  receive(frame: ServerFrame | Record<string, unknown>): void {
    this.handlers.message(JSON.stringify(frame));
  }

  /** The server closes the socket. */
  serverClose(code: number): void {
    this.closed = { code };
    this.handlers.close(code, "");
  }

  /** Frames the client sent of one type. */
  sentOf(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

/** A factory that records every socket it opens. */
export function fakeSockets(): {
  factory: SocketFactory;
  sockets: FakeSocket[];
} {
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (url, handlers) => {
    const s = new FakeSocket(url, handlers);
    sockets.push(s);
    handlers.open();
    return s;
  };
  return { factory, sockets };
}

export const alice: User = { id: "u-alice", username: "alice" };
export const bob: User = { id: "u-bob", username: "bob" };
export const carol: User = { id: "u-carol", username: "carol" };

/** A group with sensible defaults. */
export function group(id: string, extra: Partial<Group> = {}): Group {
  return {
    id,
    name: `Group ${id}`,
    public: false,
    owner_id: alice.id,
    created_at: "2025-01-01T00:00:00.000Z",
    unread_count: 0,
    last_read_seq: 0,
    ...extra,
  };
}

/** A message with sensible defaults. */
export function msg(
  groupId: string,
  seq: number,
  extra: Partial<Message> = {},
): Message {
  return {
    id: `${groupId}-m${seq}`,
    group_id: groupId,
    seq,
    author: bob,
    text: `message ${seq}`,
    created_at: new Date(Date.UTC(2025, 0, 1, 12, 0, seq)).toISOString(),
    nonce: null,
    ...extra,
  };
}

/** The ready frame for `user` in `groups`. */
export function ready(user: User, groups: Group[]): ServerFrame {
  return { type: "ready", session_id: "s1", user, groups };
}

/** Records frames; `ready` decides whether they go out. */
export class FakeGateway implements GatewayPort {
  ready = true;
  readonly frames: OutgoingFrame[] = [];
  readonly subscribed: string[][] = [];
  readonly messages: string[] = [];
  send(frame: OutgoingFrame): boolean {
    if (this.ready) this.frames.push(frame);
    return this.ready;
  }
  subscribe(ids: readonly string[]): void {
    this.subscribed.push([...ids]);
  }
  sendMessage(nonce: string): void {
    this.messages.push(nonce);
  }
  of(type: string): OutgoingFrame[] {
    return this.frames.filter((f) => f.type === type);
  }
}

/** An API double answering history from a fixed list of 120 messages per group. */
export class FakeApi {
  readonly calls: string[] = [];
  failNext: ApiError | null = null;
  /** Changes made over HTTP, in order. */
  readonly changes: string[] = [];
  /** The rev of the latest change answered. */
  rev = 1000;
  messages(
    groupId: string,
    page: {
      beforeSeq?: number;
      afterSeq?: number;
      aroundSeq?: number;
      limit?: number;
    } = {},
  ) {
    const where = page.beforeSeq ??
      (page.afterSeq !== undefined ? `after ${page.afterSeq}` : undefined) ??
      (page.aroundSeq !== undefined ? `around ${page.aroundSeq}` : "newest");
    this.calls.push(`messages ${groupId} ${where}`);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      return Promise.reject(e);
    }
    const limit = page.limit ?? 50;
    let start: number;
    let end: number;
    if (page.afterSeq !== undefined) {
      start = page.afterSeq + 1;
      end = Math.min(this.head, start + limit - 1);
    } else if (page.aroundSeq !== undefined) {
      start = Math.max(1, page.aroundSeq - Math.floor(limit / 2));
      end = Math.min(this.head, start + limit - 1);
    } else {
      end = (page.beforeSeq ?? this.head + 1) - 1;
      start = Math.max(1, end - limit + 1);
    }
    const messages = [];
    for (let s = start; s <= end; s++) messages.push(msg(groupId, s));
    const after = end < this.head;
    return Promise.resolve<HistoryPage>({
      messages,
      has_more: page.afterSeq !== undefined ? after : start > 1,
      ...(page.aroundSeq !== undefined ? { has_more_after: after } : {}),
    });
  }
  /** The newest seq of every group. */
  head = 120;
  message(groupId: string, seq: number) {
    this.calls.push(`message ${groupId} ${seq}`);
    if (seq > this.head) {
      return Promise.reject(new ApiError(404, "not_found", "No such message."));
    }
    return Promise.resolve<Message>(msg(groupId, seq, { rev: seq }));
  }
  editMessage(groupId: string, seq: number, text: string) {
    this.changes.push(`edit ${groupId} ${seq} ${text}`);
    return Promise.resolve(
      msg(groupId, seq, { author: alice, text, rev: ++this.rev }),
    );
  }
  deleteMessage(groupId: string, seq: number) {
    this.changes.push(`delete ${groupId} ${seq}`);
    return Promise.resolve(
      msg(groupId, seq, {
        author: alice,
        text: "",
        deleted: true,
        rev: ++this.rev,
      }),
    );
  }
  setReaction(
    ref: { groupId: string; seq: number; emoji: string },
    on: boolean,
  ) {
    this.changes.push(`${on ? "react" : "unreact"} ${ref.seq} ${ref.emoji}`);
    return Promise.resolve(
      msg(ref.groupId, ref.seq, {
        rev: ++this.rev,
        reactions: on ? { [ref.emoji]: [alice.id] } : undefined,
      }),
    );
  }
  members(groupId: string) {
    this.calls.push(`members ${groupId}`);
    return Promise.resolve<Member[]>([{ ...bob, online: true }]);
  }
  createGroup(name: string, isPublic: boolean) {
    this.calls.push(`create ${name} ${isPublic}`);
    return Promise.resolve<Group>(group("new", { name, public: isPublic }));
  }
  joinGroup(id: string, code?: string) {
    this.calls.push(`join ${id} ${code ?? "-"}`);
    return Promise.resolve<Group>(group(id));
  }
  leaveGroup(id: string) {
    this.calls.push(`leave ${id}`);
    return Promise.resolve();
  }
}
