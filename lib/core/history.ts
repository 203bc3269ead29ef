/**
 * Reading a group's history. Persistence is asynchronous, so the newest states may still be on
 * their way to the store: every read takes the bus's pending states first and the store's copy
 * second, keeping the higher rev (the order matters; see `lib/bus/bus.ts`). History pages, replays
 * and live events therefore agree on every message's state.
 */
import type { PendingStates } from "../bus/bus.ts";
import type { Message } from "../protocol/types.ts";
import type { CoreDeps } from "./deps.ts";

/** Most messages (or events) a replay serves before it answers `resync`. */
export const maxReplay = 1000;

/** The last seq of a group: the bus's counter when it has one, else the store's. */
export async function groupHead(
  deps: CoreDeps,
  groupId: string,
): Promise<number> {
  const fromBus = await deps.bus.headSeq(groupId);
  return fromBus ?? await deps.store.headSeq(groupId);
}

/**
 * The last seq of each group, as `groupHead` answers it, with a few batched reads rather than
 * two a group (`ready` asks for every group of the user): the bus's counters first, then the
 * store's heads of the groups the bus has no counter for (the same order as `groupHead`).
 */
export async function groupHeads(
  deps: CoreDeps,
  groupIds: string[],
): Promise<Map<string, number>> {
  const heads = new Map(await deps.bus.headSeqs(groupIds));
  const missing = groupIds.filter((id) => !heads.has(id));
  if (missing.length === 0) return heads;
  for (const [id, seq] of await deps.store.headSeqs(missing)) {
    heads.set(id, seq);
  }
  return heads;
}

/** The last rev of a group: the bus's counter when it has one, else the store's index. */
export async function groupHeadRev(
  deps: CoreDeps,
  groupId: string,
): Promise<number> {
  const fromBus = await deps.bus.headRev(groupId);
  return fromBus ?? await deps.store.headRev(groupId);
}

/** The current states of some messages, and the `prunedRev` read with the pending ones. */
export async function currentStates(
  deps: CoreDeps,
  groupId: string,
  seqs: number[],
): Promise<PendingStates> {
  const pending = await deps.bus.pendingStates(groupId, seqs);
  const missing = seqs.filter((s) => !pending.states.has(s));
  const stored = missing.length === 0
    ? []
    : await deps.store.messagesBySeqs(groupId, missing);
  const states = new Map(pending.states);
  for (const m of stored) merge(states, m);
  return { states, prunedRev: pending.prunedRev };
}

/** Messages with `fromSeq <= seq <= toSeq` in their current state, ascending. */
export async function loadRange(
  deps: CoreDeps,
  groupId: string,
  fromSeq: number,
  toSeq: number,
): Promise<Message[]> {
  if (toSeq < fromSeq) return [];
  const seqs = Array.from(
    { length: toSeq - fromSeq + 1 },
    (_, i) => fromSeq + i,
  );
  const { states } = await deps.bus.pendingStates(groupId, seqs);
  for (
    const m of await deps.store.messagesInRange(groupId, fromSeq, toSeq)
  ) merge(states, m);
  return [...states.values()].sort((a, b) => a.seq - b.seq);
}

/** One message in its current state, or null when there is none. */
export async function messageAt(
  deps: CoreDeps,
  groupId: string,
  seq: number,
): Promise<Message | null> {
  return (await currentStates(deps, groupId, [seq])).states.get(seq) ?? null;
}

/**
 * The messages after `afterSeq` up to `head`, or null when they cannot all be served (too many,
 * or a hole neither the bus nor the store can fill): the client must `resync`.
 */
export async function missedMessages(
  deps: CoreDeps,
  groupId: string,
  afterSeq: number,
  head: number,
): Promise<Message[] | null> {
  if (afterSeq > head) return null;
  if (afterSeq === head) return [];
  if (head - afterSeq > maxReplay) return null;
  const messages = await loadRange(deps, groupId, afterSeq + 1, head);
  const contiguous = messages.length === head - afterSeq &&
    messages.every((m, i) => m.seq === afterSeq + 1 + i);
  return contiguous ? messages : null;
}

/** Keeps the higher-rev state of a message (a state without rev counts as rev 0). */
function merge(states: Map<number, Message>, m: Message): void {
  const seen = states.get(m.seq);
  if (!seen || (seen.rev ?? 0) < (m.rev ?? 0)) states.set(m.seq, m);
}
