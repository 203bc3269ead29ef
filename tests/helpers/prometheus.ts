/** Reads a Prometheus text-format scrape for tests: one value per series. */

/** A scrape: series (`name{a="b"}`, labels sorted as written) → value. */
export type Scrape = Map<string, number>;

/** Parses the text of `GET /metrics`; comment lines are skipped. */
export function parseScrape(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The value of one series, 0 when absent (a counter with no increment yet is not listed). */
export function valueOf(
  scrape: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number {
  const inner = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return scrape.get(inner.length ? `${name}{${inner.join(",")}}` : name) ?? 0;
}

/** Scrapes `url` (with a bearer token if given), failing on anything but 200. */
export async function scrapeFrom(url: string, token?: string): Promise<Scrape> {
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  if (res.status !== 200) {
    throw new Error(`scrape of ${url} answered ${res.status}: ${text}`);
  }
  return parseScrape(text);
}

/** Scrapes until `ready(scrape)` holds (event-driven through the server's own state), or fails. */
export async function scrapeUntil(
  url: string,
  token: string | undefined,
  ready: (scrape: Scrape) => boolean,
  timeoutMs = 20_000,
): Promise<Scrape> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const scrape = await scrapeFrom(url, token);
    if (ready(scrape)) return scrape;
    if (Date.now() > giveUpAt) {
      throw new Error(`scrape of ${url} never met its condition`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
