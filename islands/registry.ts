/** Every island by name: the server renders from it and the browser entry hydrates from it. */
import type { FunctionComponent } from "preact";
import { AuthForm } from "./auth_form.tsx";
import { ChatApp } from "./chat_app.tsx";
import { JoinInvite } from "./join_invite.tsx";

/** Island components by the name written in `data-island`. */
export const islands = {
  chat_app: ChatApp,
  auth_form: AuthForm,
  join_invite: JoinInvite,
} as const;

/** The name of an island. */
export type IslandName = keyof typeof islands;

/** Looks an island up by a name read from the page; null when unknown. */
export function islandByName(name: string): FunctionComponent<never> | null {
  return Object.hasOwn(islands, name)
    ? islands[name as IslandName] as FunctionComponent<never>
    : null;
}
