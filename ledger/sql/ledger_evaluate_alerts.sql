-- Reorder alerts for several SKUs, each under its skus row lock (lock order step 4), in "C" order.
CREATE OR REPLACE FUNCTION ledger_evaluate_alerts(p_skus text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_sku text;
BEGIN
  FOR v_sku IN SELECT DISTINCT x COLLATE "C" FROM unnest(p_skus) x ORDER BY 1 LOOP
    PERFORM 1 FROM skus s WHERE s.sku = v_sku FOR NO KEY UPDATE;
    PERFORM ledger_evaluate_alert(v_sku);
  END LOOP;
END $$;
