/*
 * Trigger on stock_levels and skus (migration 004): marks the SKU as changed for the
 * availability watcher (webhooks/availability-watcher.ts). Append-only on purpose: an upsert on
 * a per-SKU row would make concurrent reservations of one SKU wait for each other's commit.
 */
CREATE OR REPLACE FUNCTION stock_change_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stock_change_marks (sku) VALUES (NEW.sku);
  RETURN NULL;
END $$;
