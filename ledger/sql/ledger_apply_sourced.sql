/*
 * ledger_apply() for a sourced plan (docs/design.md §17): the same write, plus the count of
 * fulfillments opened today at the warehouses that have a daily capacity, in the same
 * transaction. p is ledger_apply()'s document plus opened[{warehouse_id, expected}]: the
 * warehouses the plan puts the order at for the first time and the count it planned from.
 * A count that moved since (another order, on any worker replica, opened one there) makes
 * the plan stale (LDG01) and the ledger plans again, so a capacity is never exceeded by a
 * race. The counter rows are locked after everything ledger_apply() locks, always in id
 * order, so the lock order of 001 only gains a last step.
 */
CREATE OR REPLACE FUNCTION ledger_apply_sourced(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_out jsonb := ledger_apply(p);
  v_o record;
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
  RETURN v_out;
END $$;
