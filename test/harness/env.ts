import { join } from 'node:path';

/** Where the end-to-end stack runs: its own ports, its own Redis, a database named *_test. */
export const ROOT = join(__dirname, '..', '..');
export const DATA = join(ROOT, '.data', `e2e${process.env.E2E_PORT_OFFSET ? `-${process.env.E2E_PORT_OFFSET}` : ''}`);

/** Lets several engineers run the suite on one machine at once: E2E_PORT_OFFSET=200 E2E_DB_NAME=auth_b_test. */
const OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);

export const PORTS = {
  gateway: 18080 + OFFSET,
  identity: 13001 + OFFSET,
  /** a second identity replica (same database and Redis), started on demand by a test; the edge does not route it */
  identity2: 13055 + OFFSET,
  profiles: 13002 + OFFSET,
  // Management ports (health and metrics only; the edge never routes them). The mailer has no other.
  identityManagement: 13111 + OFFSET,
  profilesManagement: 13112 + OFFSET,
  mailerManagement: 13113 + OFFSET,
  mailer2Management: 13163 + OFFSET,
  identity2Management: 13161 + OFFSET,
  smtp: 12525 + OFFSET,
  sinkHttp: 12580 + OFFSET,
  redis: 16399 + OFFSET,
  // the browser suite's web app (an allowed origin) and a page on an origin that is not allowed
  webApp: 14037 + OFFSET,
  webOther: 14038 + OFFSET,
  // test/deploy/image-start: the apps started from directories assembled like the images
  imageIdentity: 13241 + OFFSET,
  imageProfiles: 13242 + OFFSET,
  imageIdentityManagement: 13251 + OFFSET,
  imageProfilesManagement: 13252 + OFFSET,
  imageMailerManagement: 13253 + OFFSET,
  /** the fault tests' own PostgreSQL cluster (test/harness/pg-cluster.ts) */
  faultPg: 15447 + OFFSET,
  /** OAuth tests: oidc-provider standing in for Google, a GitHub-style OAuth 2.0 server */
  oidcProvider: 14071 + OFFSET,
  oauthServer: 14072 + OFFSET,
} as const;

/** Where an app's (or the second mailer's) health and metrics are served. */
export const MANAGEMENT_URL = {
  identity: `http://127.0.0.1:${PORTS.identityManagement}`,
  profiles: `http://127.0.0.1:${PORTS.profilesManagement}`,
  mailer: `http://127.0.0.1:${PORTS.mailerManagement}`,
  mailer2: `http://127.0.0.1:${PORTS.mailer2Management}`,
  identity2: `http://127.0.0.1:${PORTS.identity2Management}`,
} as const;

/** The second identity replica's API port, reached directly (the edge routes only the first). */
export const IDENTITY2_URL = `http://127.0.0.1:${PORTS.identity2}`;

/** The browser suite's app origin: listed in CORS_ORIGINS below; the API on 127.0.0.1 is another site. */
export const WEB_APP_ORIGIN = `http://localhost:${PORTS.webApp}`;

export const BASE_URL = `http://127.0.0.1:${PORTS.gateway}`;
export const SINK_URL = `http://127.0.0.1:${PORTS.sinkHttp}`;
/** The credentials the mail sink accepts when a client authenticates (test/harness/mail-sink.mjs). */
export const SINK_SMTP_AUTH = { user: 'sink-user', password: 'sink-password' } as const;
export const ANON_KEY = 'anon_' + 'a1'.repeat(32);
/** The admin dashboard's credentials the stack runs with (POST /api/auth/admin/sessions). */
export const ROOT_ADMIN = { username: 'e2e-admin', password: 'e2e-admin-password-0123' } as const;
/**
 * An API key global setup stores (hashed) with an expiry far away: it counts as a rotated-out key
 * still in its grace period, so tests that rotate the project's key never end it.
 */
export const E2E_API_KEY = 'ik_' + 'e2'.repeat(32);
export const DB_NAME = process.env.E2E_DB_NAME ?? 'auth_test';

/**
 * The least-privilege database roles (scripts/provision-db.sql): each app runs as `<app>_app`,
 * which reads and writes only its own schema, and migrates as `<app>_migrator`, the schema's
 * owner. stackEnv()'s DB_USER stays the admin role that owns the database (and is a member of
 * both migrator roles), for tests that arrange state with direct SQL.
 */
export const DB_ROLES = {
  identity: { DB_USER: 'identity_app', DB_PASSWORD: process.env.IDENTITY_DB_PASSWORD ?? 'identity_app' },
  profiles: { DB_USER: 'profiles_app', DB_PASSWORD: process.env.PROFILES_DB_PASSWORD ?? 'profiles_app' },
  identityMigrator: { DB_USER: 'identity_migrator', DB_PASSWORD: process.env.IDENTITY_MIGRATOR_DB_PASSWORD ?? 'identity_migrator' },
  profilesMigrator: { DB_USER: 'profiles_migrator', DB_PASSWORD: process.env.PROFILES_MIGRATOR_DB_PASSWORD ?? 'profiles_migrator' },
} as const;

/**
 * The OAuth test providers and identity's registration at them. identity reaches them through
 * OAUTH_PROVIDER_ENDPOINTS, the operator setting that points a built-in provider elsewhere.
 */
export const OIDC_PROVIDER_URL = `http://127.0.0.1:${PORTS.oidcProvider}`;
export const OAUTH_SERVER_URL = `http://127.0.0.1:${PORTS.oauthServer}`;
export const OAUTH_TEST_CLIENTS = {
  google: { clientId: 'e2e-google-client', clientSecret: 'e2e-google-secret' },
  github: { clientId: 'e2e-github-client', clientSecret: 'e2e-github-secret' },
} as const;

/**
 * More clients of the local OpenID provider: native apps that get ID tokens for POST
 * /api/auth/id-token (public clients, loopback redirect), and identity as a custom OIDC provider's
 * client (its callback through the base URL).
 */
export const OIDC_NATIVE_REDIRECT = 'http://127.0.0.1/native-app/callback';
export const OIDC_NATIVE_APPS = { ios: 'e2e-ios-app', android: 'e2e-android-app', stranger: 'e2e-stranger-app' } as const;
export const OIDC_CUSTOM_CLIENT = { key: 'e2e-oidc', clientId: 'e2e-custom-client', clientSecret: 'e2e-custom-secret' } as const;
/** The local provider's signing keys (private: tests forge tokens with them), written by the harness. */
export const OIDC_JWKS_FILE = join(DATA, 'oidc-jwks.json');
const OAUTH_ENDPOINTS = {
  google: {
    issuer: OIDC_PROVIDER_URL,
    authorizationEndpoint: `${OIDC_PROVIDER_URL}/auth`,
    tokenEndpoint: `${OIDC_PROVIDER_URL}/token`,
    userinfoEndpoint: `${OIDC_PROVIDER_URL}/me`,
    jwksUri: `${OIDC_PROVIDER_URL}/jwks`,
  },
  // Native Sign in with Apple (POST /api/auth/id-token): the same local provider issues the tokens.
  apple: { issuer: OIDC_PROVIDER_URL, jwksUri: `${OIDC_PROVIDER_URL}/jwks` },
  github: {
    issuer: OAUTH_SERVER_URL,
    authorizationEndpoint: `${OAUTH_SERVER_URL}/login/oauth/authorize`,
    tokenEndpoint: `${OAUTH_SERVER_URL}/login/oauth/access_token`,
    apiBaseUrl: OAUTH_SERVER_URL,
  },
};

/** The environment every app process of the e2e stack gets. */
export function stackEnv(): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    DB_HOST: process.env.DB_HOST ?? '127.0.0.1',
    DB_PORT: process.env.DB_PORT ?? '5432',
    DB_USER: process.env.DB_USER ?? 'auth',
    DB_PASSWORD: process.env.DB_PASSWORD ?? 'auth',
    DB_NAME,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(PORTS.redis),
    GATEWAY_PORT: String(PORTS.gateway),
    IDENTITY_PORT: String(PORTS.identity),
    PROFILES_PORT: String(PORTS.profiles),
    IDENTITY_MANAGEMENT_PORT: String(PORTS.identityManagement),
    PROFILES_MANAGEMENT_PORT: String(PORTS.profilesManagement),
    MAILER_MANAGEMENT_PORT: String(PORTS.mailerManagement),
    PUBLIC_BASE_URL: BASE_URL,
    JWT_ISSUER: `${BASE_URL}/api/auth`,
    JWKS_URL: `http://127.0.0.1:${PORTS.identity}/.well-known/jwks.json`,
    CORS_ORIGINS: `http://app.example.test,${WEB_APP_ORIGIN}`,
    COOKIE_SECURE: 'true',
    ANON_KEY,
    AUTH_HMAC_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
    ROOT_ADMIN_USERNAME: ROOT_ADMIN.username,
    ROOT_ADMIN_PASSWORD: ROOT_ADMIN.password,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(PORTS.smtp),
    SMTP_SECURE: 'false',
    // the sink may be a saved SMTP server too (PUT /api/auth/smtp-config), though loopback and not a mail port
    SMTP_ALLOWED_TARGETS: `127.0.0.1:${PORTS.smtp}`,
    MAIL_FROM: 'Auth E2E <no-reply@auth.test>',
    MAIL_PRODUCT_NAME: 'Auth E2E',
    MAIL_PRODUCT_URL: 'https://app.auth.test/',
    MAILER_LOCK_MS: '3000',
    MAILER_STALLED_INTERVAL_MS: '1000',
    SHUTDOWN_DRAIN_MS: '1000',
    PASSWORD_ARGON2_MEMORY_KIB: '19456',
    JWT_KEY_ROTATION_CHECK_SECONDS: '1',
    // A sign-up waits this long at most for profiles to have the profile (read your writes). The
    // 2 s default is ample on a production node; this shared 2-core test machine runs at load 20.
    SIGNUP_PROFILE_WAIT_MS: '10000',
    JWKS_REFRESH_SECONDS: '2',
    OAUTH_CLIENTS: JSON.stringify(OAUTH_TEST_CLIENTS),
    OAUTH_PROVIDER_ENDPOINTS: JSON.stringify(OAUTH_ENDPOINTS),
    // the local OpenID provider serves its discovery document over http on 127.0.0.1
    OAUTH_CUSTOM_DISCOVERY_ALLOW_HTTP_LOOPBACK: 'true',
  };
}
