/**
 * The presence port: which users have at least one open socket anywhere in the cluster.
 *
 * Contract (every adapter runs `tests/contracts/presence_contract.ts`):
 * - `connect` records one connection; it answers true exactly when it is the user's first
 *   connection anywhere (the user came online). `disconnect` answers true exactly when it removed
 *   the user's last one (the user went offline). Unknown connections are ignored (false).
 * - Connections held by an instance that stops without `close` are forgotten within a bounded
 *   time; users left with no connection are reported once to the expiry listener.
 */
export interface Presence {
  connect(userId: string, connectionId: string): Promise<boolean>;
  disconnect(userId: string, connectionId: string): Promise<boolean>;
  /** The subset of `userIds` online now. */
  online(userIds: string[]): Promise<Set<string>>;
  /** Called with users who went offline because their instance died. */
  setExpiryListener(listener: (userIds: string[]) => void): void;
  close(): Promise<void>;
}
