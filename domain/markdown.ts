/**
 * Values from outside (names, addresses, notes, reasons, carrier answers, task ids, errors) as
 * plain text inside the Temporal UI's markdown summary and details (docs/design.md §20,
 * "Hygiene"): `[Verify payment](https://evil)` must not render as a link, nor
 * `**Status:** cancelled` as a field. Pure and deterministic: workflows import it.
 */

/**
 * The ASCII punctuation markdown (CommonMark, and GitHub's tables, strikethrough and autolinks)
 * gives a meaning to anywhere in a line, backslash-escaped — a backslash before ASCII punctuation
 * is always a literal in CommonMark. `&` becomes `&amp;` (an entity cannot be backslash-escaped).
 * `-`, `+`, `.`, `=` only mean something at the start of a line, where a value never is (every
 * line starts with our own label), so ids like `SKU-1.2` stay as they are.
 */
const SPECIAL = /[\\`*_{}[\]()#!|<>~]/g;

/** `value` as literal text on one line of markdown; undefined and null as an empty string. */
export function md(value: string | number | null | undefined): string {
  if (value === undefined || value === null) return '';
  return (
    String(value)
      // One line: a newline could start a heading, a list, a quote or a table row.
      // eslint-disable-next-line no-control-regex -- control characters are what is removed
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(SPECIAL, (c) => `\\${c}`)
      // A bare URL would still become a link: break the scheme's `://`.
      .replace(/:\/\//g, '\\://')
  );
}
