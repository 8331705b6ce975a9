-- The UTC day a warehouse's daily capacity counts in (docs/design.md §17).
CREATE OR REPLACE FUNCTION ledger_utc_day() RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (now() AT TIME ZONE 'UTC')::date
$$;
