-- The warehouses of a stored view, as orders/rows.ts warehousesOf() computes them for the filter rows.
CREATE OR REPLACE FUNCTION order_record_warehouses_of(v jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(w), '[]'::jsonb) FROM (
    SELECT a->>'warehouseId' AS w FROM jsonb_array_elements(coalesce(v->'allocations', '[]'::jsonb)) a
    UNION ALL
    SELECT f->>'warehouseId' FROM jsonb_array_elements(coalesce(v->'fulfillments', '[]'::jsonb)) f
  ) ws
$$;
