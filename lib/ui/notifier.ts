/**
 * Browser notifications for messages the reader should not miss: one that mentions them, or any
 * message in a DM, while the tab is hidden and the group is not muted. Permission is asked only
 * from `enable()`, which the app calls from a click on an explicit control, never on load.
 */
import { signal } from "@preact/signals-core";
import type { Group, Message } from "../protocol/types.ts";
import { isMuted } from "./group_admin.ts";
import { displayName, isDm } from "./roles.ts";

/** The state of the browser's permission, or "unsupported" without the Notification API. */
export type NotifyPermission =
  | "default"
  | "granted"
  | "denied"
  | "unsupported";

/** One notification to show. */
export interface NotificationText {
  title: string;
  body: string;
  /** Replaces an earlier notification of the same group instead of stacking. */
  tag: string;
}

/** The browser side of notifications (window.Notification in the app, a fake in tests). */
export interface NotificationPort {
  permission(): NotifyPermission;
  requestPermission(): Promise<NotifyPermission>;
  show(text: NotificationText, onClick: () => void): void;
}

/** What decides whether a message notifies. */
export interface NotifyContext {
  meId: string | null;
  myName: string | null;
  group: Group | undefined;
  /** The tab is hidden (another tab, minimised, screen locked). */
  hidden: boolean;
}

/** Longest body shown; notifications are a glance, not the message. */
const maxBody = 140;

/** The notification a new message deserves, or null. */
export function notificationFor(
  m: Message,
  ctx: NotifyContext,
): NotificationText | null {
  const { group } = ctx;
  if (!ctx.hidden || !group || isMuted(group)) return null;
  if (m.deleted || m.author.id === ctx.meId) return null;
  const dm = isDm(group);
  const mentioned = !!ctx.meId && (m.mentions ?? []).includes(ctx.meId);
  if (!dm && !mentioned) return null;
  const text = m.text.length > maxBody
    ? `${m.text.slice(0, maxBody - 1)}…`
    : m.text;
  return {
    title: dm
      ? m.author.username
      : `${m.author.username} in ${displayName(group, ctx.myName)}`,
    body: text || "Sent an attachment",
    tag: `salvioris:${group.id}`,
  };
}

/** Wiring of a Notifier. */
export interface NotifierOptions {
  port: NotificationPort;
  /** Whether the tab is hidden now. */
  hidden(): boolean;
  /** Brings the tab forward and shows the message. */
  focus(groupId: string, seq: number): void;
}

/** Shows notifications for incoming messages, once the reader has allowed them. */
export class Notifier {
  /** The browser's permission, for the control that asks for it. */
  readonly permission = signal<NotifyPermission>("default");
  readonly #o: NotifierOptions;

  constructor(options: NotifierOptions) {
    this.#o = options;
    this.permission.value = options.port.permission();
  }

  /** Asks the browser for permission; call only from a click on an explicit control. */
  async enable(): Promise<NotifyPermission> {
    const p = this.#o.port;
    if (p.permission() === "unsupported") return "unsupported";
    this.permission.value = await p.requestPermission().catch(() =>
      p.permission()
    );
    return this.permission.value;
  }

  /** Considers a new message; shows a notification when it deserves one. */
  noteMessage(
    m: Message,
    ctx: Omit<NotifyContext, "hidden">,
  ): boolean {
    if (this.#o.port.permission() !== "granted") return false;
    const text = notificationFor(m, { ...ctx, hidden: this.#o.hidden() });
    if (!text) return false;
    this.#o.port.show(text, () => this.#o.focus(m.group_id, m.seq));
    return true;
  }
}

/** The NotificationPort of a browser window. */
export function browserNotifications(): NotificationPort {
  const api = () => typeof Notification === "undefined" ? null : Notification;
  return {
    permission: () => api()?.permission ?? "unsupported",
    async requestPermission() {
      const n = api();
      return n ? await n.requestPermission() : "unsupported";
    },
    show(text, onClick) {
      const n = api();
      if (!n) return;
      const shown = new n(text.title, { body: text.body, tag: text.tag });
      shown.onclick = () => {
        shown.close();
        onClick();
      };
    },
  };
}
