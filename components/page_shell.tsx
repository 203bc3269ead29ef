/** The HTML document around every page: head, stylesheet, and the islands bundle. */
import type { ComponentChildren } from "preact";

/** What a page needs. */
export interface PageShellProps {
  title: string;
  /** URL of the stylesheet (with its version query). */
  cssHref: string;
  /** URL of the islands bundle; omitted on pages without islands. */
  scriptSrc?: string;
  /** Extra class on <body>. */
  bodyClass?: string;
  children: ComponentChildren;
}

/** The document. */
export function PageShell(
  { title, cssHref, scriptSrc, bodyClass, children }: PageShellProps,
) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta
          name="viewport"
          content="width=device-width, initial-scale=1, viewport-fit=cover"
        />
        <meta name="color-scheme" content="light dark" />
        <title>{title}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={cssHref} />
        {scriptSrc ? <script type="module" src={scriptSrc} /> : null}
      </head>
      <body class={bodyClass}>{children}</body>
    </html>
  );
}
