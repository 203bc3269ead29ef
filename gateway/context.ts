/** What every frame handler receives: the core's ports, this instance's hub and its settings. */
import type { CoreDeps } from "../lib/core/deps.ts";
import type { Hub } from "./hub.ts";

export interface GatewaySettings {
  heartbeatIntervalMs: number;
  rates: {
    framesBurst: number;
    framesPerSec: number;
    messagesBurst: number;
    messagesPerSec: number;
  };
  allowedOrigins: string[];
}

export interface Gateway {
  deps: CoreDeps;
  hub: Hub;
  settings: GatewaySettings;
}
