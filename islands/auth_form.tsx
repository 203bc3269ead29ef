/** The login and register form: checks the input, calls the API, shows errors as sentences. */
import { useSignal } from "@preact/signals";
import { ApiClient, ApiError } from "../lib/ui/api_client.ts";
import { credentialsProblem } from "../lib/ui/validation.ts";

/** Props the server passes. */
export interface AuthFormProps {
  mode: "login" | "register";
  /** A same-site path to go to afterwards (already checked by the server). */
  next: string;
  /** A message to show from the start (e.g. JavaScript was off). */
  initialError?: string | null;
}

/** The login or register form. */
export function AuthForm({ mode, next, initialError = null }: AuthFormProps) {
  const username = useSignal("");
  const password = useSignal("");
  const error = useSignal<string | null>(initialError);
  const busy = useSignal(false);
  const login = mode === "login";
  const nextQuery = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    error.value = credentialsProblem(mode, username.value, password.value);
    if (error.value) return;
    busy.value = true;
    try {
      const api = new ApiClient();
      await (login
        ? api.login(username.value, password.value)
        : api.register(username.value, password.value));
      location.assign(next);
    } catch (err) {
      error.value = err instanceof ApiError
        ? err.message
        : "Something went wrong. Try again.";
      busy.value = false;
    }
  };
  return (
    <form class="form auth-form" method="post" onSubmit={submit} noValidate>
      <h1 class="auth-title">
        {login ? "Welcome back" : "Create your account"}
      </h1>
      <label for="username">Username</label>
      <input
        id="username"
        name="username"
        class="input"
        autoComplete="username"
        autoCapitalize="none"
        spellcheck={false}
        required
        maxLength={32}
        value={username.value}
        onInput={(e) => (username.value = e.currentTarget.value)}
        aria-invalid={error.value ? true : undefined}
        aria-describedby={login ? "auth-error" : "username-hint auth-error"}
      />
      {login
        ? null
        : <p id="username-hint" class="hint">3–32 letters, digits, _ . or -</p>}
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        class="input"
        autoComplete={login ? "current-password" : "new-password"}
        required
        maxLength={256}
        value={password.value}
        onInput={(e) => (password.value = e.currentTarget.value)}
        aria-invalid={error.value ? true : undefined}
        aria-describedby={login ? "auth-error" : "password-hint auth-error"}
      />
      {login
        ? null
        : <p id="password-hint" class="hint">At least 8 characters.</p>}
      <p id="auth-error" class="form-error" role="alert">{error.value}</p>
      <button
        type="submit"
        class="button button--primary button--wide"
        disabled={busy.value}
      >
        {busy.value ? "One moment…" : login ? "Log in" : "Create account"}
      </button>
      <p class="auth-switch">
        {login ? "New here? " : "Already have an account? "}
        <a href={`${login ? "/register" : "/login"}${nextQuery}`}>
          {login ? "Create an account" : "Log in"}
        </a>
      </p>
    </form>
  );
}
