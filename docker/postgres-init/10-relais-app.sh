#!/bin/sh
# Run once by the postgres image when its data volume is created: the application's own role
# (ADR 0002). It owns nothing, so it cannot alter tables, disable triggers or rewrite the
# timeline; `cli.js migrate`, connected as the owner (DATABASE_OWNER_URL), grants it the rest.
# On an existing volume, run the same statement by hand once.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$RELAIS_APP_PASSWORD" <<'SQL'
CREATE ROLE relais_app LOGIN PASSWORD :'password';
SQL
