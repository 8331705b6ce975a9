-- Returns false when an event with this id exists already (a retried activity).
CREATE OR REPLACE FUNCTION webhook_emit(p_type text, p_data jsonb, p_id text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, type, data) VALUES (p_id, p_type, p_data) ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO webhook_deliveries (subscription_id, event_id)
    SELECT s.id, p_id FROM webhook_subscriptions s WHERE p_type = ANY (s.events);
  RETURN true;
END $$;
