/**
 * Server side of an island: its markup rendered in place, and its props in a JSON script tag
 * that the browser entry reads to hydrate it. The JSON escapes `<`, `>`, `&` and the line
 * separators, so no prop (a username, a group name) can close the script tag or inject markup.
 */
import type { ComponentChildren } from "preact";

/** JSON that is safe inside a `<script type="application/json">` element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** What an island root needs. */
export interface IslandRootProps {
  /** Key in the island registry. */
  name: string;
  /** Unique id of the props element on the page. */
  id: string;
  props: unknown;
  /** The island rendered on the server with the same props. */
  children: ComponentChildren;
}

/** The hydration boundary of one island. */
export function IslandRoot({ name, id, props, children }: IslandRootProps) {
  return (
    <>
      <div class="island" data-island={name} data-props={id}>{children}</div>
      <script
        type="application/json"
        id={id}
        // The only raw HTML on any page: escaped JSON written by the server, never user HTML.
        dangerouslySetInnerHTML={{ __html: jsonForScript(props) }}
      />
    </>
  );
}
