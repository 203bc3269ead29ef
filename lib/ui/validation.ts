/** Checks the browser makes before calling the API, mirroring PROTOCOL.md §1 rules. */
import { nameProblem } from "../protocol/text_rules.ts";

/** Why the credentials cannot be sent, or null when they can. */
export function credentialsProblem(
  mode: "login" | "register",
  username: string,
  password: string,
): string | null {
  if (!username.trim()) return "Enter your username.";
  if (!password) return "Enter your password.";
  // Longer ones cannot exist, and the server refuses them unread.
  if (mode === "login") {
    return username.length > 32 || password.length > 256
      ? "Wrong username or password."
      : null;
  }
  if (username.length < 3 || username.length > 32) {
    return "Usernames are 3 to 32 characters.";
  }
  if (!/^[a-zA-Z0-9_.-]+$/.test(username)) {
    return "Usernames may only contain letters, digits, _ . and -";
  }
  if (password.length < 8) return "Passwords need at least 8 characters.";
  if (password.length > 256) return "Passwords are at most 256 characters.";
  return null;
}

/** Why a group name cannot be used, or null. */
export function groupNameProblem(name: string): string | null {
  const n = name.trim();
  if (!n) return "Give the group a name.";
  if (n.length > 100) return "Group names are at most 100 characters.";
  if (nameProblem(n)) {
    return "Use visible characters, without direction overrides.";
  }
  return null;
}
