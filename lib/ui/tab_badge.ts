/**
 * What the browser tab says about unread messages: its title and a favicon with a badge.
 * Mentions (and DM messages, which count as mentions) matter most, so they lead the title and
 * put their number on the icon; other unread messages only add a dot. Pure text: the app
 * writes it into `document.title` and the icon link.
 */

/** The counts behind the tab. */
export interface TabCounts {
  unread: number;
  mentions: number;
}

const appName = "Salvioris";

/** Sums per-group counts. */
export function total(counts: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of counts.values()) n += v;
  return n;
}

/** The tab title: "(@2) (5) Salvioris" with two mentions among five unread. */
export function tabTitle({ unread, mentions }: TabCounts): string {
  const parts: string[] = [];
  if (mentions) parts.push(`(@${cap(mentions)})`);
  if (unread) parts.push(`(${cap(unread)})`);
  parts.push(appName);
  return parts.join(" ");
}

/** The app icon (static/favicon.svg) with a badge, as an SVG document. */
export function faviconSvg({ unread, mentions }: TabCounts): string {
  const badge = mentions
    ? `<circle cx="23" cy="9" r="9" fill="#e5484d" stroke="#fff" stroke-width="1.5"/>` +
      `<text x="23" y="13" font-family="sans-serif" font-size="${
        mentions > 9 ? 9 : 12
      }" font-weight="700" text-anchor="middle" fill="#fff">${
        mentions > 9 ? "9+" : mentions
      }</text>`
    : unread
    ? `<circle cx="26" cy="6" r="5" fill="#e5484d" stroke="#fff" stroke-width="1.5"/>`
    : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<rect width="32" height="32" rx="8" fill="#5b5bd6"/>` +
    `<path d="M21.5 11.2c-.9-1.6-2.8-2.7-5.3-2.7-3.1 0-5.4 1.7-5.4 4.2 0 5.3 10.6 3.4 10.6 8.4 0 2.4-2.2 4.2-5.5 4.2-2.7 0-4.8-1.2-5.7-3.1" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>` +
    badge + `</svg>`;
}

/** The favicon as a data URL for `<link rel="icon">`. */
export function faviconHref(counts: TabCounts): string {
  return `data:image/svg+xml,${encodeURIComponent(faviconSvg(counts))}`;
}

/** Writes the counts into a document's title and icon link (adding one when missing). */
export function showTabCounts(doc: Document, counts: TabCounts): void {
  doc.title = tabTitle(counts);
  let link = doc.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = doc.createElement("link");
    link.rel = "icon";
    doc.head.append(link);
  }
  const href = counts.unread || counts.mentions
    ? faviconHref(counts)
    : "/static/favicon.svg";
  if (link.getAttribute("href") !== href) link.setAttribute("href", href);
}

function cap(n: number): string {
  return n > 99 ? "99+" : String(n);
}
