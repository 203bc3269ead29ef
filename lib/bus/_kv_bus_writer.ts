/**
 * The embedded bus's two event writers: a new message (`append`) and a change to one
 * (`appendUpdate`). Each computes the next counters, refuses what must be refused (a repeated
 * nonce answers the first message, a stale basis a conflict, a full hand-off `unavailable`), and
 * commits through `KvAppender`; only a committed event is delivered. A commit refused because
 * another process wrote the same keys is read again and retried, a bounded number of times.
 * The caller runs each group's writes one after another (its lane).
 */
import { ChatError } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { GroupEvent } from "../protocol/bus_events.ts";
import type { Message } from "../protocol/types.ts";
import { retryWhileLocked } from "../store/_kv_retry.ts";
import {
  type AppendOutcome,
  backlogFull,
  type Floors,
  type MessageDraft,
  recoveryBuffer,
  type UpdateDraft,
  type UpdateOutcome,
} from "./bus.ts";
import type { KvHandoff } from "./_kv_bus_handoff.ts";
import { nonceKey } from "./_kv_bus_keys.ts";
import type { KvPending } from "./_kv_bus_pending.ts";
import {
  type Head,
  type KvAppender,
  nextCounters,
  type Step,
} from "./_kv_bus_append.ts";

/** Refused commits (another process wrote the file) before a write gives up. */
const maxCommitAttempts = 20;

/** What the writers share with their bus. */
export interface KvWriterParts {
  kv: Deno.Kv;
  appender: KvAppender;
  handoff: KvHandoff;
  pending: KvPending;
  maxBacklog: number;
  /** Delivers a committed event in-process. */
  deliver(event: GroupEvent): void;
  closed(): boolean;
}

export class KvEventWriter {
  constructor(private readonly parts: KvWriterParts) {}

  /** Appends a new message (see `Bus.append`). */
  async append(draft: MessageDraft, floors: Floors): Promise<AppendOutcome> {
    const { appender, handoff, maxBacklog } = this.parts;
    const g = draft.group_id;
    const nonce = draft.nonce === null
      ? null
      : nonceKey(g, draft.author.id, draft.nonce);
    for (let attempt = 1; attempt <= maxCommitAttempts; attempt++) {
      if (this.parts.closed()) throw closedError();
      // While the counters are remembered nothing is read: the commit checks that the nonce is
      // unused, and a refused commit forgets the counters, so the next attempt reads both.
      const known = appender.known(g);
      const [head, prior] = known
        ? [known, null]
        : await Promise.all([appender.head(g), this.#prior(nonce)]);
      if (prior) return { status: "duplicate", message: prior };
      const next = nextCounters(head, floors, true);
      if (!next) return { status: "need_floor" };
      if (handoff.backlog >= maxBacklog) {
        // Full: nothing new is taken, but a retried nonce is still answered.
        const first = await this.#prior(nonce);
        if (first) return { status: "duplicate", message: first };
        throw backlogFull();
      }
      const message: Message = { ...draft, seq: next.seq, rev: next.rev };
      const committed = await this.#commit(head, next, {
        kind: "message",
        message,
        prepare: (op) => {
          if (nonce) {
            op.check({ key: nonce, versionstamp: null })
              .set(nonce, message, { expireIn: limits.nonceTtlMs });
          }
        },
      });
      if (committed) return { status: "appended", message };
    }
    throw new ChatError(
      "unavailable",
      "The message could not be ordered; try again",
    );
  }

  /** Appends a change to a message (see `Bus.appendUpdate`). */
  async appendUpdate(
    draft: UpdateDraft,
    floors: Floors,
  ): Promise<UpdateOutcome> {
    const { appender, handoff, pending, maxBacklog } = this.parts;
    const g = draft.message.group_id;
    const seq = draft.message.seq;
    for (let attempt = 1; attempt <= maxCommitAttempts; attempt++) {
      if (this.parts.closed()) throw closedError();
      const head = await appender.head(g);
      const next = nextCounters(head, floors, false);
      if (!next) return { status: "need_floor" };
      const basis = await pending.basis(g, seq);
      if (!basis.holds(draft.basis)) return { status: "conflict" };
      if (handoff.backlog >= maxBacklog) throw backlogFull();
      const message: Message = { ...draft.message, rev: next.rev };
      const erased = draft.erase
        ? await pending.erasure(g, message, recoveryBuffer.maxAgeMs)
        : null;
      const committed = await this.#commit(head, next, {
        kind: "message_update",
        message,
        prepare: (op) => {
          basis.check(op);
          erased?.(op);
        },
      });
      if (committed) return { status: "appended", message };
    }
    throw new ChatError(
      "unavailable",
      "The change could not be ordered; try again",
    );
  }

  /** The first message sent with this nonce, or null (none, or no nonce). */
  async #prior(nonce: Deno.KvKey | null): Promise<Message | null> {
    if (nonce === null) return null;
    const { kv } = this.parts;
    return (await retryWhileLocked(() => kv.get<Message>(nonce))).value;
  }

  /** Commits one event with everything an append does, then delivers it; false when refused. */
  async #commit(
    head: Head,
    next: { seq: number; rev: number },
    step: Step,
  ): Promise<boolean> {
    const { appender, handoff } = this.parts;
    const event = await appender.commit(head, next, step, handoff.reserve());
    if (!event) {
      // Another process wrote the counters, a checked key or the entry: read them again.
      await handoff.resync();
      return false;
    }
    handoff.appended();
    this.parts.deliver(event);
    return true;
  }
}

/** The refusal of any call once the bus is closed. */
export function closedError(): ChatError {
  return new ChatError("unavailable", "The bus is closed");
}
