/*
 * Whether an event the caller offers is new given the stored view p_old: orders/event-gates.ts
 * gateOpen() is this function's twin and is tested against it. Gates: new (no stored record),
 * history (a timeline entry at this index is new), status (the stored status differs), sent
 * (that fulfillment had not shipped), returned (that return had not been received), unrecorded
 * (the status changed with no new timeline entry).
 */
CREATE OR REPLACE FUNCTION order_event_gate(p_gate jsonb, p_old jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_gate->>'kind'
    WHEN 'new' THEN p_old IS NULL
    WHEN 'history' THEN (p_gate->>'index')::int >= coalesce(jsonb_array_length(p_old->'history'), 0)
    WHEN 'status' THEN p_old IS NULL OR p_old->>'status' IS DISTINCT FROM p_gate->>'status'
    WHEN 'sent' THEN NOT EXISTS (
      SELECT 1 FROM jsonb_array_elements(coalesce(p_old->'fulfillments', '[]'::jsonb)) f
      WHERE f->>'fulfillmentId' = p_gate->>'id' AND f->>'status' IN ('shipped', 'delivered') AND jsonb_typeof(f->'shipment') = 'object')
    WHEN 'returned' THEN NOT EXISTS (
      SELECT 1 FROM jsonb_array_elements(coalesce(p_old->'returns', '[]'::jsonb)) r
      WHERE r->>'returnId' = p_gate->>'id' AND r->>'status' = 'received')
    WHEN 'unrecorded' THEN p_old IS NOT NULL
      AND greatest(coalesce(jsonb_array_length(p_old->'history'), 0), 1) >= (p_gate->>'historyLength')::int
      AND p_old->>'status' IS DISTINCT FROM p_gate->>'status'
    ELSE false
  END
$$;
