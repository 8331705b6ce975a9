-- The lists as sets: jsonb containment both ways ignores order and repeats.
CREATE OR REPLACE FUNCTION order_record_list_same(a jsonb, b jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT a @> b AND b @> a
$$;
