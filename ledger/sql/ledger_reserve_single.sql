/*
 * One round trip for the common reservation: a new order that one active warehouse can
 * fill completely. It applies allocate()'s first rule (the highest-priority warehouse,
 * lowest number first, ties by id, that has every line) and hands the rest — splits,
 * backorders, amended or released orders, unknown SKUs — back to the TypeScript planner
 * by returning {fallback: true}. test/ledger.fastpath.test.ts keeps the two in step.
 * p: key, op, hash, order_id, lines[{sku, quantity}] (merged, sorted).
 */
CREATE OR REPLACE FUNCTION ledger_reserve_single(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_order text := p->>'order_id';
  v_lines jsonb := p->'lines';
  v_skus text[] := ARRAY(SELECT l->>'sku' FROM jsonb_array_elements(v_lines) l);
  v_quantities integer[] := ARRAY(SELECT (l->>'quantity')::integer FROM jsonb_array_elements(v_lines) l);
  v_stored record;
  v_candidate text;
  v_warehouse text;
  v_fits boolean;
BEGIN
  PERFORM ledger_lock_order(v_order);
  SELECT i.op, i.request_hash, i.result INTO v_stored FROM ledger_idempotency i WHERE i.key = p->>'key';
  IF FOUND THEN
    RETURN jsonb_build_object('replay', true, 'op', v_stored.op, 'hash', v_stored.request_hash, 'result', v_stored.result);
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_orders o WHERE o.order_id = v_order) THEN
    RETURN jsonb_build_object('fallback', true);
  END IF;
  -- Row-at-a-time key lookups rather than one join: a join against a set-returning
  -- function is planned for 100 rows and tends to a sequential scan of stock_levels.
  FOR v_candidate IN
    SELECT sl.warehouse_id FROM stock_levels sl JOIN warehouses w ON w.id = sl.warehouse_id AND w.active
     WHERE sl.sku = v_skus[1] AND sl.on_hand - sl.reserved >= v_quantities[1]
     ORDER BY w.priority, sl.warehouse_id COLLATE "C"
  LOOP
    v_fits := true;
    FOR i IN 2 .. cardinality(v_skus) LOOP
      v_fits := EXISTS (SELECT 1 FROM stock_levels sl WHERE sl.warehouse_id = v_candidate AND sl.sku = v_skus[i]
                                                      AND sl.on_hand - sl.reserved >= v_quantities[i]);
      EXIT WHEN NOT v_fits;
    END LOOP;
    IF v_fits THEN
      v_warehouse := v_candidate;
      EXIT;
    END IF;
  END LOOP;
  IF v_warehouse IS NULL THEN
    RETURN jsonb_build_object('fallback', true);
  END IF;
  RETURN ledger_apply(jsonb_build_object(
    'key', p->>'key', 'op', p->>'op', 'hash', p->>'hash', 'order_id', v_order, 'checked', true,
    'expected_version', NULL, 'order_status', 'open', 'demand', v_lines,
    'changes', (SELECT jsonb_agg(jsonb_build_object('warehouse_id', v_warehouse, 'sku', l.sku, 'kind', 'reserve',
                  'on_hand_delta', 0, 'reserved_delta', l.quantity, 'on_fail', 'stale', 'reason', NULL))
                  FROM jsonb_to_recordset(v_lines) AS l(sku text, quantity integer)),
    'transitions', (SELECT jsonb_agg(jsonb_build_object('warehouse_id', v_warehouse, 'sku', l.sku,
                      'from_status', NULL, 'to_status', 'held', 'quantity', l.quantity))
                      FROM jsonb_to_recordset(v_lines) AS l(sku text, quantity integer)),
    'result', jsonb_build_object(
      'allocations', (SELECT jsonb_agg(jsonb_build_object('warehouseId', v_warehouse, 'sku', e.line->>'sku',
                                                          'quantity', (e.line->>'quantity')::integer) ORDER BY e.n)
                        FROM jsonb_array_elements(v_lines) WITH ORDINALITY AS e(line, n)),
      'backordered', '[]'::jsonb)));
END $$;
