/*
 * An order-record save in one statement: the workflow writes its record at every transition,
 * and as a transaction of four round trips (BEGIN, locked update returning the old view, the
 * events it implies, COMMIT) those writes were most of an order's database traffic.
 *
 * The events an update implies depend on the view it replaces, which only the database has
 * under the lock. So the caller sends every event the new view could imply, each with a gate
 * (order_event_gate.sql), and order_record_save emits those whose gate the stored view opens —
 * in the same transaction as the record, like webhook_emit everywhere else. withPrevious adds
 * the stored status to the event's data as previousStatus.
 */
CREATE OR REPLACE FUNCTION order_record_save(p jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_id text := p->>'orderId';
  v_view jsonb := p->'view';
  v_version integer := (p->>'version')::integer;
  v_old jsonb;
  v_old_version integer;
  v_created timestamptz;
BEGIN
  LOOP
    SELECT view, version, created_at INTO v_old, v_old_version, v_created FROM order_records WHERE order_id = v_id FOR UPDATE;
    IF FOUND THEN
      -- Versions only grow: a late or retried write of an older view changes nothing.
      IF v_old_version >= v_version THEN
        RETURN false;
      END IF;
      UPDATE order_records SET
        channel = v_view->>'channel',
        customer_id = v_view#>>'{customer,id}',
        customer_email = v_view#>>'{customer,email}',
        status = v_view->>'status',
        -- Returns are written by the API and the return workflows, never by the order's own saves.
        view = CASE WHEN v_old->'returns' IS NOT NULL AND v_view->'returns' IS NULL
                    THEN jsonb_set(v_view, '{returns}', v_old->'returns') ELSE v_view END,
        run_id = COALESCE(p->>'runId', run_id),
        request_hash = COALESCE(request_hash, p->>'requestHash'),
        version = v_version,
        updated_at = now()
      WHERE order_id = v_id;
      EXIT;
    END IF;
    -- No record: an order started around the API. A concurrent first write may win the insert;
    -- then the loop locks and updates what it committed.
    INSERT INTO order_records (order_id, request_hash, channel, customer_id, customer_email, status, view, workflow_id, run_id, version)
    VALUES (v_id, p->>'requestHash', v_view->>'channel', v_view#>>'{customer,id}', v_view#>>'{customer,email}', v_view->>'status',
            v_view, p->>'workflowId', p->>'runId', v_version)
    ON CONFLICT (order_id) DO NOTHING
    RETURNING created_at INTO v_created;
    IF FOUND THEN
      v_old := NULL;
      EXIT;
    END IF;
  END LOOP;

  -- The filter rows follow the view's SKUs and warehouses (orders/rows.ts skusOf, warehousesOf).
  -- They were written from the stored view, so most saves, which change neither list, skip them.
  IF v_old IS NULL OR NOT (order_record_list_same(p->'skus', order_record_skus_of(v_old))) THEN
    DELETE FROM order_record_skus WHERE order_id = v_id AND sku NOT IN (SELECT jsonb_array_elements_text(p->'skus'));
    INSERT INTO order_record_skus (order_id, sku, created_at)
      SELECT v_id, k, v_created FROM jsonb_array_elements_text(p->'skus') AS k ON CONFLICT DO NOTHING;
  END IF;
  IF v_old IS NULL OR NOT (order_record_list_same(p->'warehouses', order_record_warehouses_of(v_old))) THEN
    DELETE FROM order_record_warehouses WHERE order_id = v_id AND warehouse_id NOT IN (SELECT jsonb_array_elements_text(p->'warehouses'));
    INSERT INTO order_record_warehouses (order_id, warehouse_id, created_at)
      SELECT v_id, k, v_created FROM jsonb_array_elements_text(p->'warehouses') AS k ON CONFLICT DO NOTHING;
  END IF;

  PERFORM webhook_emit(
    e->>'type',
    CASE WHEN (e->'gate'->>'withPrevious')::boolean AND v_old IS NOT NULL
         THEN (e->'data') || jsonb_build_object('previousStatus', v_old->>'status') ELSE e->'data' END,
    e->>'id')
  FROM jsonb_array_elements(coalesce(p->'events', '[]'::jsonb)) WITH ORDINALITY AS c(e, n)
  WHERE order_event_gate(e->'gate', v_old)
  ORDER BY n;
  RETURN true;
END
$$;
