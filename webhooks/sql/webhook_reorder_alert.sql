-- Trigger on reorder_alerts (migration 004): an opened alert becomes an inventory.reorder_alert event
-- in the same transaction as the ledger write that opened it.
CREATE OR REPLACE FUNCTION webhook_reorder_alert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM webhook_emit('inventory.reorder_alert',
    jsonb_build_object('alertId', NEW.id::text, 'sku', NEW.sku, 'available', NEW.available,
                       'reorderPoint', NEW.reorder_point, 'openedAt', NEW.opened_at),
    'evt_alert_' || NEW.id::text);
  RETURN NULL;
END $$;
