/*
 * ledger_reserve_single() when sourcing allows it (docs/design.md §17): the one-round-trip
 * whole-order reservation picks the highest-priority warehouse that fills the order, which
 * is also what `priority` and `fewest_parcels` pick, but it does not count fulfillments
 * against a daily capacity, nor does it know the queue for scarce stock. While any active
 * warehouse has a capacity, or any order waits for one of the SKUs, the TypeScript planner
 * (which knows both) decides instead.
 */
CREATE OR REPLACE FUNCTION ledger_reserve_single_sourced(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM warehouses w WHERE w.active AND w.daily_capacity IS NOT NULL)
     OR EXISTS (SELECT 1 FROM ledger_sku_waits q
                 WHERE q.sku = ANY (ARRAY(SELECT l->>'sku' FROM jsonb_array_elements(p->'lines') l))) THEN
    RETURN jsonb_build_object('fallback', true);
  END IF;
  RETURN ledger_reserve_single(p);
END $$;
