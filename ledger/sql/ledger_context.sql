/*
 * Everything a ledger request needs, read in one snapshot: ledger/context.ts calls it, TypeScript
 * plans the change from it, ledger_apply() executes the plan. With p.lock it takes steps 1 and 3
 * of the lock order (ledger_apply.sql) first.
 */
CREATE OR REPLACE FUNCTION ledger_context(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_order text := p->>'order_id';
  v_skus text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'skus', '[]'::jsonb)));
BEGIN
  IF coalesce((p->>'lock')::boolean, false) THEN
    IF v_order IS NOT NULL THEN
      PERFORM ledger_lock_order(v_order);
    END IF;
  END IF;
  IF v_order IS NOT NULL THEN
    v_skus := v_skus || ARRAY(SELECT d.sku FROM order_demands d WHERE d.order_id = v_order);
  END IF;
  IF coalesce((p->>'lock')::boolean, false) THEN
    PERFORM 1 FROM stock_levels sl JOIN warehouses w ON w.id = sl.warehouse_id AND w.active
      WHERE sl.sku = ANY (v_skus)
      ORDER BY sl.warehouse_id COLLATE "C", sl.sku COLLATE "C"
      FOR UPDATE OF sl;
  END IF;
  RETURN jsonb_build_object(
    'stored', (SELECT jsonb_build_object('op', i.op, 'hash', i.request_hash, 'result', i.result)
                 FROM ledger_idempotency i WHERE i.key = p->>'key'),
    'order', (SELECT jsonb_build_object('version', o.version, 'status', o.status)
                FROM ledger_orders o WHERE o.order_id = v_order),
    'demand', coalesce((SELECT jsonb_agg(jsonb_build_object('sku', d.sku, 'quantity', d.quantity))
                          FROM order_demands d WHERE d.order_id = v_order), '[]'::jsonb),
    'reservations', coalesce((SELECT jsonb_agg(jsonb_build_object('warehouseId', r.warehouse_id, 'sku', r.sku,
                                      'status', r.status, 'quantity', r.quantity))
                                FROM reservations r WHERE r.order_id = v_order), '[]'::jsonb),
    'returned', coalesce((SELECT jsonb_agg(jsonb_build_object('warehouseId', x.warehouse_id, 'sku', x.sku, 'quantity', x.q))
                            FROM (SELECT m.warehouse_id, m.sku, sum(m.on_hand_delta) AS q FROM stock_movements m
                                   WHERE m.order_id = v_order AND m.kind = 'return'
                                   GROUP BY m.warehouse_id, m.sku) x), '[]'::jsonb),
    'knownSkus', coalesce((SELECT jsonb_agg(s.sku) FROM skus s WHERE s.sku = ANY (v_skus)), '[]'::jsonb),
    'warehouse', (SELECT jsonb_build_object('id', w.id, 'active', w.active) FROM warehouses w WHERE w.id = p->>'warehouse_id'),
    'hasActiveWarehouse', EXISTS (SELECT 1 FROM warehouses w WHERE w.active),
    'levels', coalesce((SELECT jsonb_agg(jsonb_build_object('warehouseId', sl.warehouse_id, 'priority', w.priority,
                                'sku', sl.sku, 'available', sl.on_hand - sl.reserved))
                          FROM stock_levels sl JOIN warehouses w ON w.id = sl.warehouse_id AND w.active
                         WHERE sl.sku = ANY (v_skus)), '[]'::jsonb)
  );
END $$;
