/**
 * Keyword lists for search attributes, bounded by construction: Temporal refuses (or, at the
 * start of a run, terminates the workflow for) an attribute value over 2 KB, and a schema-valid
 * order may name 100 SKUs of 64 characters. The list keeps the sorted ids that fit; the order
 * records (GET /orders?sku=) find every order by every SKU. Pure.
 */
export const KEYWORD_LIST_MAX_BYTES = 1_800;

const utf8Bytes = (s: string): number => {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
};

export function boundedKeywords(values: readonly string[], maxBytes = KEYWORD_LIST_MAX_BYTES): string[] {
  const out: string[] = [];
  // JSON brackets, quotes and commas count too: the server measures the encoded value.
  let size = 2;
  for (const v of [...new Set(values)].sort()) {
    const cost = utf8Bytes(v) + 3;
    if (size + cost > maxBytes) break;
    out.push(v);
    size += cost;
  }
  return out;
}
