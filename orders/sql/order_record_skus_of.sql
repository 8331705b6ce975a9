-- The SKUs of a stored view, as orders/rows.ts skusOf() computes them for the filter rows.
CREATE OR REPLACE FUNCTION order_record_skus_of(v jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(l->>'sku'), '[]'::jsonb) FROM jsonb_array_elements(coalesce(v->'lines', '[]'::jsonb)) l
$$;
