/** The optional arguments of the order writes, validated and normalised for hashing. */

export function optionalWarehouse(opts: { warehouseId?: unknown } | undefined): string | undefined {
  const id = opts?.warehouseId;
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || id === '') throw new TypeError('warehouseId must be a non-empty string');
  return id;
}

/** Sorted and deduplicated, so equal requests hash equally. */
export function excludedWarehouses(opts: { exclude?: unknown } | undefined): string[] {
  const list = opts?.exclude;
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((id) => typeof id !== 'string' || id === '')) {
    throw new TypeError('exclude must be a list of warehouse ids');
  }
  return [...new Set(list as string[])].sort();
}

/**
 * The hashed arguments: an option left out (or an empty exclude list) hashes as the
 * call did before the option existed, so keys stored by earlier versions still replay.
 */
export function withOptions(args: Record<string, unknown>, options: { warehouseId?: string; exclude?: string[] }): Record<string, unknown> {
  const out = { ...args };
  if (options.warehouseId !== undefined) out.warehouseId = options.warehouseId;
  if (options.exclude !== undefined && options.exclude.length > 0) out.exclude = options.exclude;
  return out;
}
