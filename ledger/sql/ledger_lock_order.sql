-- Step 1 of the ledger's lock order (ledger_apply.sql states the whole order).
CREATE OR REPLACE FUNCTION ledger_lock_order(p_order_id text) RETURNS void LANGUAGE sql AS $$
  -- Two-key form, first key 'LDG' in ASCII, keeps clear of other advisory lock users.
  SELECT pg_advisory_xact_lock(4998215, hashtext(p_order_id))
$$;
