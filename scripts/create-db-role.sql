-- The database role SoundHub connects as (README.md, Deploy, step 5). Run once by the
-- operator, as the RDS master user, in the app's database:
--
--   psql "host=<endpoint> port=5432 dbname=soundhub user=soundhub sslmode=verify-full sslrootcert=global-bundle.pem" \
--     -v app_role=soundhub_app -v app_password="$APP_DB_PASSWORD" -f scripts/create-db-role.sql
--
-- Optional: -v app_schema=<name> (default soundhub).
--
-- The app never uses the master user: that one can create databases and roles and, on RDS, is
-- a member of rds_superuser; and its password, managed by RDS in Secrets Manager, rotates every
-- 7 days, which would break a DATABASE_URL copied into Parameter Store. This role has its own
-- password, changed only when the operator chooses (ALTER ROLE … PASSWORD, then the parameter,
-- then an environment update), and may do only what the app does: connect to this database,
-- own its schema (`app_schema`, where the migrations create and alter its tables) and create
-- the job queue's schema (pgboss: pg-boss installs itself with CREATE SCHEMA IF NOT EXISTS,
-- which PostgreSQL allows only with CREATE on the database, even when the schema exists).
-- Nothing in `public`, no other database, no roles, no superuser powers.
\set ON_ERROR_STOP on

\if :{?app_role}
\else
  \echo 'create-db-role.sql: give the role name: -v app_role=soundhub_app'
  SELECT missing_variable_app_role;
\endif
\if :{?app_password}
\else
  \echo 'create-db-role.sql: give the password: -v app_password=<password> (put it in DATABASE_URL percent-encoded)'
  SELECT missing_variable_app_password;
\endif
\if :{?app_schema}
\else
  \set app_schema soundhub
\endif

SELECT current_database() AS app_database \gset

BEGIN;

CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;

-- Only the app (and the owner, the master user) may connect to this database.
REVOKE ALL ON DATABASE :"app_database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY, CREATE ON DATABASE :"app_database" TO :"app_role";
-- Nobody creates objects in `public` (PostgreSQL 15+ already defaults to this).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The app's own schema: it owns it, so the migrations can create, alter and drop its tables.
CREATE SCHEMA :"app_schema" AUTHORIZATION :"app_role";
-- Unqualified names (every query, knex_migrations, the session table) mean the app's schema.
ALTER ROLE :"app_role" IN DATABASE :"app_database" SET search_path = :"app_schema";

COMMIT;

\echo 'created role' :app_role 'owning schemas' :app_schema 'and pgboss in database' :app_database
