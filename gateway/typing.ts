/**
 * One connection's typing states. A `typing_start` is published at most once per
 * `republishMs` while renewed, and a state not renewed within `ttlMs` expires (typing_stop).
 */
export class TypingTracker {
  #states = new Map<string, { expiresAt: number; publishedAt: number }>();

  constructor(readonly ttlMs: number, readonly republishMs: number) {}

  /** Starts or renews typing in a group; true when the start should be published. */
  start(groupId: string, now: number): boolean {
    const state = this.#states.get(groupId);
    const publish = !state || now - state.publishedAt >= this.republishMs;
    this.#states.set(groupId, {
      expiresAt: now + this.ttlMs,
      publishedAt: publish ? now : state!.publishedAt,
    });
    return publish;
  }

  /** Stops typing in a group; true when it was typing (a stop should be published). */
  stop(groupId: string): boolean {
    return this.#states.delete(groupId);
  }

  /** Removes and answers the groups whose typing state expired. */
  expire(now: number): string[] {
    const expired: string[] = [];
    for (const [group, state] of this.#states) {
      if (state.expiresAt <= now) expired.push(group);
    }
    for (const group of expired) this.#states.delete(group);
    return expired;
  }

  /** Removes and answers every group still typing (the socket is closing). */
  clear(): string[] {
    const groups = [...this.#states.keys()];
    this.#states.clear();
    return groups;
  }
}
