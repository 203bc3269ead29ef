/**
 * The browser entry (bundled by scripts/build_islands.ts): hydrates every island on the page
 * from the JSON props the server wrote next to it.
 */
import { h, hydrate } from "preact";
import { islandByName } from "./registry.ts";

for (const root of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const component = islandByName(root.dataset.island ?? "");
  const propsText = document.getElementById(root.dataset.props ?? "")
    ?.textContent;
  if (!component || !propsText) continue;
  try {
    hydrate(h(component, JSON.parse(propsText) as never), root);
  } catch (err) {
    console.error(`Cannot hydrate island ${root.dataset.island}:`, err);
  }
}
