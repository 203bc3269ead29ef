/** What every frame handler receives: the core's ports, this instance's hub and its settings. */
import type { CoreDeps } from "../lib/core/deps.ts";
import type { SocketAdmission } from "./admission.ts";
import type { Hub } from "./hub.ts";

/** Per-socket budgets: frames of any type, and `message` frames. */
export interface RateSettings {
  framesBurst: number;
  framesPerSec: number;
  messagesBurst: number;
  messagesPerSec: number;
}

export interface GatewaySettings {
  heartbeatIntervalMs: number;
  rates: RateSettings;
  allowedOrigins: string[];
  /** Caps on open sockets (defaults in `admission.ts`). */
  sockets?: SocketLimits;
}

/** Open sockets allowed in total and per client address, identified or not yet. */
export interface SocketLimits {
  maxSockets: number;
  maxPerAddress: number;
  maxUnidentified: number;
  maxUnidentifiedPerAddress: number;
}

export interface Gateway {
  deps: CoreDeps;
  hub: Hub;
  settings: GatewaySettings;
  /** Caps on open and unidentified sockets, checked before each upgrade. */
  admission: SocketAdmission;
}
