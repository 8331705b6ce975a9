/*
 * ledger_apply() for a sourced plan (docs/design.md §17): the same write, plus the count of
 * fulfillments opened today at the warehouses that have a daily capacity, in the same
 * transaction. p is ledger_apply()'s document plus opened[{warehouse_id, expected}]: the
 * warehouses the plan puts the order at for the first time and the count it planned from.
 * A count that moved since (another order, on any worker replica, opened one there) makes
 * the plan stale (LDG01) and the ledger plans again, so a capacity is never exceeded by a
 * race. The counter rows are locked after everything ledger_apply() locks, always in id
 * order, so the lock order of 001 only gains a last step.
 *
 * waits {order_id, ship_by, skus[], stale[{order_id, sku}]}: the order's rows in the scarce
 * stock queue become exactly its backordered SKUs (a row kept keeps its waiting_since), and
 * rows of orders that no longer wait are dropped, skipping any another write holds.
 */
CREATE OR REPLACE FUNCTION ledger_apply_sourced(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_out jsonb := ledger_apply(p);
  v_o record;
  v_w jsonb := p->'waits';
  v_skus text[];
BEGIN
  IF coalesce((v_out->>'replay')::boolean, false) THEN
    RETURN v_out;
  END IF;
  FOR v_o IN
    SELECT * FROM jsonb_to_recordset(coalesce(p->'opened', '[]'::jsonb)) AS o(warehouse_id text, expected integer)
     ORDER BY o.warehouse_id COLLATE "C"
  LOOP
    INSERT INTO warehouse_daily_opened AS d (warehouse_id, day, opened) VALUES (v_o.warehouse_id, ledger_utc_day(), 1)
      ON CONFLICT (warehouse_id, day) DO UPDATE SET opened = d.opened + 1 WHERE d.opened = v_o.expected;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'fulfillments opened today at % changed since they were read', v_o.warehouse_id USING ERRCODE = 'LDG01';
    END IF;
  END LOOP;
  IF jsonb_typeof(v_w) = 'object' THEN
    v_skus := ARRAY(SELECT jsonb_array_elements_text(coalesce(v_w->'skus', '[]'::jsonb)));
    DELETE FROM ledger_sku_waits w WHERE w.order_id = v_w->>'order_id' AND NOT (w.sku = ANY (v_skus));
    INSERT INTO ledger_sku_waits (sku, order_id, ship_by)
      SELECT s, v_w->>'order_id', (v_w->>'ship_by')::timestamptz FROM unnest(v_skus) s
      ON CONFLICT (sku, order_id) DO NOTHING;
    DELETE FROM ledger_sku_waits w WHERE w.ctid IN (
      SELECT x.ctid FROM ledger_sku_waits x
        JOIN jsonb_to_recordset(coalesce(v_w->'stale', '[]'::jsonb)) AS s(order_id text, sku text)
          ON x.order_id = s.order_id AND x.sku = s.sku
       WHERE x.order_id <> v_w->>'order_id'
       FOR UPDATE OF x SKIP LOCKED);
  END IF;
  RETURN v_out;
END $$;
