#!/bin/sh
# Creates Temporal's two databases and brings their schemas up to date. Safe to re-run:
# update-schema on an initialised database applies only what is pending, and
# setup-schema runs only on a database that has no schema yet.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" "$@"; }

until nc -z -w 2 "$POSTGRES_SEEDS" "$DB_PORT"; do echo "waiting for $POSTGRES_SEEDS:$DB_PORT"; sleep 1; done

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=/etc/temporal/schema/postgresql/v12/${pair##*:}/versioned
  tool --db "$db" create || true
  if ! tool --db "$db" update-schema -d "$dir"; then
    tool --db "$db" setup-schema -v 0.0
    tool --db "$db" update-schema -d "$dir"
  fi
done
echo "Temporal schemas are up to date"
