-- Least-privilege roles and schemas for the platform, idempotent: run it as often as you like.
-- Run by scripts/provision-db.sh (locally, the e2e harness, the fault-test cluster); on a managed
-- server run it yourself as the admin role, e.g.
--   psql -v ON_ERROR_STOP=1 -v db=auth -v admin=auth \
--        -v identity_migrator_password=... -v identity_app_password=... \
--        -v profiles_migrator_password=... -v profiles_app_password=... -f scripts/provision-db.sql auth
-- Needs CREATEROLE (or superuser) and ownership of the database.
--
-- Per app (identity, profiles):
--   <app>_migrator  owns schema <app> and everything in it; `main.js migrate` connects as it.
--   <app>_app       the running app: SELECT/INSERT/UPDATE/DELETE on its own schema's tables, no DDL,
--                   nothing at all in the other app's schema, no CREATE anywhere; on
--                   identity.audit_events (append-only) no UPDATE either.
-- Neither is a superuser or may create databases or roles. The admin (database owner) becomes a
-- member of both migrator roles so it can inspect, reset and repair the schemas.
\set ON_ERROR_STOP on

-- Roles are cluster-wide: create the missing ones, then (re)state their attributes and passwords.
SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY['identity_migrator', 'identity_app', 'profiles_migrator', 'profiles_app']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE identity_migrator WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'identity_migrator_password';
ALTER ROLE identity_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'identity_app_password';
ALTER ROLE profiles_migrator WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'profiles_migrator_password';
ALTER ROLE profiles_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'profiles_app_password';
GRANT identity_migrator, profiles_migrator TO :"admin";

-- The database: only the platform's roles (and the owner) may connect; nobody else creates in it.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO identity_migrator, identity_app, profiles_migrator, profiles_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- pg_trgm backs identity's user search (trigram indexes). The migrators may not create extensions;
-- it is a trusted extension, so the database owner (or a superuser) creates it here, once.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- Each schema belongs to its migrator. Objects an older setup created under another role (one
-- shared role for every app) move to the migrator; a table's own sequences move with it.
CREATE SCHEMA IF NOT EXISTS identity AUTHORIZATION identity_migrator;
CREATE SCHEMA IF NOT EXISTS profiles AUTHORIZATION profiles_migrator;
ALTER SCHEMA identity OWNER TO identity_migrator;
ALTER SCHEMA profiles OWNER TO profiles_migrator;
SELECT format('ALTER %s %I.%I OWNER TO %I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              n.nspname, c.relname, n.nspname || '_migrator')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('identity', 'profiles')
   AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = n.nspname || '_migrator')
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                         AND d.objid = c.oid AND d.deptype IN ('a', 'i'))) \gexec

-- What each runtime role may do, on the tables that exist now and on those migrations add later.
REVOKE ALL ON SCHEMA identity FROM PUBLIC;
REVOKE ALL ON SCHEMA profiles FROM PUBLIC;
GRANT USAGE ON SCHEMA identity TO identity_app;
GRANT USAGE ON SCHEMA profiles TO profiles_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA identity TO identity_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA profiles TO profiles_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA identity TO identity_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA profiles TO profiles_app;
ALTER DEFAULT PRIVILEGES FOR ROLE identity_migrator IN SCHEMA identity
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO identity_app;
ALTER DEFAULT PRIVILEGES FOR ROLE identity_migrator IN SCHEMA identity
  GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO identity_app;
ALTER DEFAULT PRIVILEGES FOR ROLE profiles_migrator IN SCHEMA profiles
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO profiles_app;
ALTER DEFAULT PRIVILEGES FOR ROLE profiles_migrator IN SCHEMA profiles
  GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO profiles_app;

-- The audit log is append-only: the runtime role may add and read events (and the retention job
-- deletes old ones), never change one. The grants above are restated on every run, so restate the
-- exception too (the table's migration revokes it when it creates the table).
SELECT 'REVOKE UPDATE, TRUNCATE ON identity.audit_events FROM identity_app'
 WHERE to_regclass('identity.audit_events') IS NOT NULL \gexec
