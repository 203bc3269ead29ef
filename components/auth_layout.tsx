/** The centred card around the login, register and join pages. */
import type { ComponentChildren } from "preact";

/** A card with the product name above it. */
export function AuthLayout({ children }: { children: ComponentChildren }) {
  return (
    <main class="auth">
      <div class="auth-card">
        <p class="auth-brand">
          <span class="brand-mark" aria-hidden="true">S</span> Salvioris
        </p>
        {children}
      </div>
    </main>
  );
}
