-- Caller holds the skus row lock, so the crossing is decided once per SKU at a time.
CREATE OR REPLACE FUNCTION ledger_evaluate_alert(p_sku text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_point integer;
  v_available bigint;
  v_open bigint;
BEGIN
  SELECT s.reorder_point,
         (SELECT coalesce(sum(sl.on_hand - sl.reserved), 0) FROM stock_levels sl WHERE sl.sku = p_sku),
         (SELECT a.id FROM reorder_alerts a WHERE a.sku = p_sku AND a.cleared_at IS NULL)
    INTO v_point, v_available, v_open
    FROM skus s WHERE s.sku = p_sku;
  IF v_available <= v_point THEN
    IF v_open IS NULL THEN
      INSERT INTO reorder_alerts (sku, available, reorder_point) VALUES (p_sku, v_available, v_point);
    END IF;
  ELSIF v_open IS NOT NULL THEN
    UPDATE reorder_alerts SET cleared_at = now() WHERE id = v_open;
  END IF;
END $$;
