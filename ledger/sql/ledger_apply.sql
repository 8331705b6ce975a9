/*
 * The ledger's write path is two round trips: ledger_context() reads everything a
 * request needs in one snapshot, TypeScript plans the change (allocation stays a pure
 * function there), and ledger_apply() executes the plan atomically, guarded so that a
 * plan made from a stale read fails with SQLSTATE LDG01 and is planned again.
 * Both take a jsonb document so one statement carries any number of lines.
 *
 * Lock order, the same in every transaction, so none can deadlock another:
 *   1. the order's advisory lock, 2. the idempotency key (unique index),
 *   3. stock_levels rows sorted by (warehouse_id, sku) in "C" collation,
 *   4. skus rows sorted by sku ("C"), which serialize the per-SKU checks that look
 *      across warehouses (reorder alerts, "is the backorder still right?").
 * Statements inside a volatile plpgsql function each take a fresh snapshot under
 * READ COMMITTED, so a read after a lock wait sees what the lock holder committed.
 *
 * It keeps order_demands.open in step with the order's status (migration 002: the partial
 * index on open demand is what keeps receipts and ordersAwaiting() from reading closed
 * orders), and its backorder check ignores the warehouses the request excluded (a
 * warehouse that rejected an order's fulfillment may still have stock).
 *
 * p: key, op, hash, order_id?, checked?, expected_version?, order_status?, demand?,
 *    changes[{warehouse_id, sku, kind, on_hand_delta, reserved_delta, on_fail, reason}],
 *    transitions[{warehouse_id, sku, from_status, to_status, quantity}],
 *    backordered_skus[], backorder_exclude[] (warehouses the backorder check ignores: the
 *    order may not use them), result (null: the first change's balance is the result).
 * Returns {replay: true, op, hash, result} when the key was already used, else
 * {replay: false, result}.
 */
CREATE OR REPLACE FUNCTION ledger_apply(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_key text := p->>'key';
  v_order text := p->>'order_id';
  v_result jsonb := coalesce(p->'result', 'null'::jsonb);
  v_changes jsonb := coalesce(p->'changes', '[]'::jsonb);
  v_backordered text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'backordered_skus', '[]'::jsonb)));
  v_exclude text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'backorder_exclude', '[]'::jsonb)));
  v_touched text[] := '{}';
  v_version integer;
  v_on_hand integer;
  v_reserved integer;
  v_c record;
  v_t record;
  v_sku text;
  v_stored record;
BEGIN
  -- ledger_reserve_single() has taken the lock and made these checks already.
  IF v_order IS NOT NULL AND NOT coalesce((p->>'checked')::boolean, false) THEN
    PERFORM ledger_lock_order(v_order);
    SELECT i.op, i.request_hash, i.result INTO v_stored FROM ledger_idempotency i WHERE i.key = v_key;
    IF FOUND THEN
      RETURN jsonb_build_object('replay', true, 'op', v_stored.op, 'hash', v_stored.request_hash, 'result', v_stored.result);
    END IF;
    SELECT o.version INTO v_version FROM ledger_orders o WHERE o.order_id = v_order;
    IF v_version IS DISTINCT FROM (p->>'expected_version')::integer THEN
      RAISE EXCEPTION 'order % changed since it was read', v_order USING ERRCODE = 'LDG01';
    END IF;
  END IF;

  -- Claimed before any balance row is locked (lock order step 2). A concurrent
  -- duplicate waits here, then fails with unique_violation once the first commits.
  INSERT INTO ledger_idempotency (key, op, request_hash, result) VALUES (v_key, p->>'op', p->>'hash', v_result);

  -- Everything that does not touch a balance row comes first: a balance row stays
  -- locked from its update to commit, and on a hot SKU that time is the throughput.
  FOR v_t IN
    SELECT * FROM jsonb_to_recordset(coalesce(p->'transitions', '[]'::jsonb))
      AS t(warehouse_id text, sku text, from_status text, to_status text, quantity integer)
  LOOP
    IF v_t.from_status IS NOT NULL THEN
      DELETE FROM reservations r
       WHERE r.order_id = v_order AND r.warehouse_id = v_t.warehouse_id AND r.sku = v_t.sku
         AND r.status = v_t.from_status AND r.quantity = v_t.quantity;
      IF NOT FOUND THEN
        UPDATE reservations r SET quantity = r.quantity - v_t.quantity, updated_at = now()
         WHERE r.order_id = v_order AND r.warehouse_id = v_t.warehouse_id AND r.sku = v_t.sku
           AND r.status = v_t.from_status AND r.quantity > v_t.quantity;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'reservation of % changed since it was read', v_order USING ERRCODE = 'LDG01';
        END IF;
      END IF;
    END IF;
    INSERT INTO reservations AS r (order_id, warehouse_id, sku, status, quantity)
      VALUES (v_order, v_t.warehouse_id, v_t.sku, v_t.to_status, v_t.quantity)
      ON CONFLICT (order_id, warehouse_id, sku, status)
      DO UPDATE SET quantity = r.quantity + excluded.quantity, updated_at = now();
  END LOOP;

  IF v_order IS NOT NULL AND p->>'order_status' IS NOT NULL THEN
    INSERT INTO ledger_orders AS o (order_id, status) VALUES (v_order, p->>'order_status')
      ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, version = o.version + 1, updated_at = now();
  END IF;
  IF v_order IS NOT NULL AND jsonb_typeof(p->'demand') = 'array' THEN
    IF v_version IS NOT NULL THEN
      DELETE FROM order_demands d WHERE d.order_id = v_order;
    END IF;
    INSERT INTO order_demands (order_id, sku, quantity)
    SELECT v_order, x.sku, x.quantity FROM jsonb_to_recordset(p->'demand') AS x(sku text, quantity integer);
  END IF;
  -- Only an open order's demand is in the index receipts and ordersAwaiting() read.
  IF v_order IS NOT NULL AND (p->>'order_status' IS NOT NULL OR jsonb_typeof(p->'demand') = 'array') THEN
    UPDATE order_demands d SET open = (o.status = 'open')
      FROM ledger_orders o
     WHERE o.order_id = v_order AND d.order_id = v_order AND d.open IS DISTINCT FROM (o.status = 'open');
  END IF;

  INSERT INTO stock_movements (warehouse_id, sku, kind, on_hand_delta, reserved_delta, order_id, idempotency_key, reason)
  SELECT c.warehouse_id, c.sku, c.kind, c.on_hand_delta, c.reserved_delta, v_order,
         v_key || ':' || c.warehouse_id || ':' || c.sku, c.reason
    FROM jsonb_to_recordset(v_changes) AS c(warehouse_id text, sku text, kind text, on_hand_delta integer,
                                             reserved_delta integer, reason text);

  FOR v_c IN
    SELECT * FROM jsonb_to_recordset(v_changes) AS c(warehouse_id text, sku text, kind text, on_hand_delta integer,
                                                       reserved_delta integer, on_fail text, reason text)
     ORDER BY c.warehouse_id COLLATE "C", c.sku COLLATE "C"
  LOOP
    IF v_c.reserved_delta = 0 AND v_c.on_hand_delta > 0 THEN
      INSERT INTO stock_levels AS sl (warehouse_id, sku, on_hand, reserved)
        VALUES (v_c.warehouse_id, v_c.sku, v_c.on_hand_delta, 0)
        ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = sl.on_hand + excluded.on_hand
        RETURNING sl.on_hand, sl.reserved INTO v_on_hand, v_reserved;
    ELSE
      UPDATE stock_levels sl
         SET on_hand = sl.on_hand + v_c.on_hand_delta, reserved = sl.reserved + v_c.reserved_delta
       WHERE sl.warehouse_id = v_c.warehouse_id AND sl.sku = v_c.sku
         AND sl.reserved + v_c.reserved_delta >= 0
         AND sl.on_hand + v_c.on_hand_delta >= sl.reserved + v_c.reserved_delta
      RETURNING sl.on_hand, sl.reserved INTO v_on_hand, v_reserved;
      IF NOT FOUND THEN
        IF v_c.on_fail = 'insufficient' THEN
          SELECT sl.on_hand, sl.reserved INTO v_on_hand, v_reserved FROM stock_levels sl
           WHERE sl.warehouse_id = v_c.warehouse_id AND sl.sku = v_c.sku;
          RAISE EXCEPTION 'insufficient stock of % at %', v_c.sku, v_c.warehouse_id USING ERRCODE = 'LDG02',
            DETAIL = jsonb_build_object('warehouseId', v_c.warehouse_id, 'sku', v_c.sku,
                                        'onHand', coalesce(v_on_hand, 0), 'reserved', coalesce(v_reserved, 0),
                                        'onHandDelta', v_c.on_hand_delta, 'reservedDelta', v_c.reserved_delta)::text;
        END IF;
        RAISE EXCEPTION 'balance of % at % changed since it was read', v_c.sku, v_c.warehouse_id USING ERRCODE = 'LDG01';
      END IF;
    END IF;
    v_touched := v_touched || v_c.sku;
    IF v_result = 'null'::jsonb THEN
      v_result := jsonb_build_object('warehouseId', v_c.warehouse_id, 'sku', v_c.sku, 'onHand', v_on_hand,
                                     'reserved', v_reserved, 'available', v_on_hand - v_reserved);
      UPDATE ledger_idempotency SET result = v_result WHERE key = v_key;
    END IF;
  END LOOP;

  -- A backorder is only right if no active warehouse has the SKU available now. Taking
  -- the skus row lock orders this check against every receipt's alert evaluation, so a
  -- receipt either is seen here (and the plan is redone) or commits after this order's
  -- demand is visible to ordersAwaiting(): no wake-up is lost.
  FOR v_sku IN
    SELECT DISTINCT x COLLATE "C" FROM unnest(v_touched || v_backordered) x ORDER BY 1
  LOOP
    PERFORM 1 FROM skus s WHERE s.sku = v_sku FOR NO KEY UPDATE;
    IF v_sku = ANY (v_touched) THEN
      PERFORM ledger_evaluate_alert(v_sku);
    END IF;
    IF v_sku = ANY (v_backordered) AND EXISTS (
      SELECT 1 FROM stock_levels sl JOIN warehouses w ON w.id = sl.warehouse_id AND w.active
       WHERE sl.sku = v_sku AND sl.on_hand > sl.reserved AND sl.warehouse_id <> ALL (v_exclude)) THEN
      RAISE EXCEPTION 'stock of % arrived since it was read', v_sku USING ERRCODE = 'LDG01';
    END IF;
  END LOOP;

  RETURN jsonb_build_object('replay', false, 'result', v_result);
END $$;
