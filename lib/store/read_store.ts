/**
 * The read-state sub-port of the store: how far each member has read in each group, reached as
 * `store.reads`.
 *
 * Contract (every adapter runs the read cases of `tests/contracts/store_contract.ts`):
 * - `advance` only moves forward and answers the stored position; of concurrent moves, the
 *   highest is kept.
 * - A position is a non-negative integer; `advance` refuses anything else with a `TypeError`.
 * - A former member's position stays stored for a rejoin, but `ofGroup` leaves it out.
 * - Every method may throw on an unreachable database; none throws for "not found".
 */
/** The read-state sub-port; the module comment above is its contract. */
export interface ReadStore {
  /** Moves a user's read position in a group forward to `seq`; answers the stored position. */
  advance(groupId: string, userId: string, seq: number): Promise<number>;
  /** A user's read positions in the given groups (absent = 0). */
  ofUser(userId: string, groupIds: string[]): Promise<Map<string, number>>;
  /** Every current member's read position in a group (absent = 0). */
  ofGroup(groupId: string): Promise<Map<string, number>>;
}

/** Refuses a read position that is not a non-negative integer. */
export function checkReadSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new TypeError(
      `Cannot set read position: ${seq} is not a non-negative integer`,
    );
  }
}
