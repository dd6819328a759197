import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../harness/env.js';
import { call } from '../harness/http.js';
import { compareOperation, type OpenApiDoc, type OperationFindings } from './openapi-compare.js';

/**
 * identity and profiles each serve an OpenAPI document generated from their code; for each InsForge
 * operation we implement, this compares the document of the app that serves it with InsForge's own
 * OpenAPI file from the point of view of a client written against that file (see
 * openapi-compare.ts for the rules).
 */
// A copy of InsForge's file (see reference/README.md), so the test needs nothing beside the clone.
const REFERENCE = join(ROOT, 'test', 'openapi', 'reference', 'insforge-auth.openapi.yaml');

type App = 'identity' | 'profiles';

/** Where each app serves its document, through the gateway (which routes /api/auth/profiles* to profiles). */
const DOCUMENTS: Record<App, string> = {
  identity: '/api/auth/openapi.json',
  profiles: '/api/auth/profiles/openapi.json',
};
const APPS = Object.keys(DOCUMENTS) as App[];

/** The InsForge operations we implement, and which app serves each. */
const OPERATIONS: { method: string; path: string; servedBy: App }[] = [
  { method: 'POST', path: '/api/auth/users', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/sessions', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/refresh', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/logout', servedBy: 'identity' },
  // The reference also allows a `projectAdmin` body here (admin sessions, which we do not have);
  // a response matching one of its alternatives is enough.
  { method: 'GET', path: '/api/auth/sessions/current', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/public-config', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/email/send-verification', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/email/verify', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/email/verify-link', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/email/send-reset-password', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/email/exchange-reset-password-token', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/email/reset-password-link', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/email/reset-password', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/email/send-otp', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/{provider}', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/{provider}/callback', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/oauth/{provider}/callback', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/oauth/exchange', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/admin/sessions', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/admin/sessions/current', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/admin/refresh', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/admin/logout', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/tokens/anon', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/users', servedBy: 'identity' },
  { method: 'DELETE', path: '/api/auth/users', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/users/{userId}', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/configs', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/oauth/configs', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/{provider}/config', servedBy: 'identity' },
  { method: 'PUT', path: '/api/auth/oauth/{provider}/config', servedBy: 'identity' },
  { method: 'DELETE', path: '/api/auth/oauth/{provider}/config', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/custom/configs', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/oauth/custom/configs', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/custom/{key}/config', servedBy: 'identity' },
  { method: 'PUT', path: '/api/auth/oauth/custom/{key}/config', servedBy: 'identity' },
  { method: 'DELETE', path: '/api/auth/oauth/custom/{key}/config', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/custom/{key}', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/oauth/custom/{key}/callback', servedBy: 'identity' },
  { method: 'POST', path: '/api/auth/id-token', servedBy: 'identity' },
  // admin: the auth policy, SMTP settings and mail templates
  { method: 'GET', path: '/api/auth/config', servedBy: 'identity' },
  { method: 'PUT', path: '/api/auth/config', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/smtp-config', servedBy: 'identity' },
  { method: 'PUT', path: '/api/auth/smtp-config', servedBy: 'identity' },
  { method: 'GET', path: '/api/auth/email-templates', servedBy: 'identity' },
  { method: 'PUT', path: '/api/auth/email-templates/{type}', servedBy: 'identity' },
  // Served by the profiles app, compared with profiles' own document. Our PATCH extension (a key
  // set to `null` is removed) makes `name` and `avatar_url` nullable in ours: accepting more than
  // the reference is no difference to its clients, so it needs no entry below.
  { method: 'GET', path: '/api/auth/profiles/{userId}', servedBy: 'profiles' },
  { method: 'PATCH', path: '/api/auth/profiles/current', servedBy: 'profiles' },
];

/**
 * Where we differ from the reference file on purpose. Each entry is one exact finding and why;
 * an entry that no longer matches a finding fails the last test, so this list cannot go stale.
 */
const DELIBERATE: Record<string, string> = {
  // The reference documents 401 for a bad or expired code or token on these three, but InsForge
  // answers 400 INVALID_INPUT "Invalid or expired verification code|token" (as-built §1.2), and so
  // do we: the SDK's auto-refresh treats a 401 AUTH_UNAUTHORIZED as an expired access token.
  'POST /api/auth/email/verify: status 401 not documented in ours': 'as-built §1.2: a bad code is a 400, never a 401',
  'POST /api/auth/email/exchange-reset-password-token: status 401 not documented in ours':
    'as-built §1.2: a bad code is a 400, never a 401',
  'POST /api/auth/email/reset-password: status 401 not documented in ours': 'as-built §1.2: a bad token is a 400, never a 401',
  // InsForge sends the verification email inside the sign-up request and answers 500 (or 429) when
  // delivery fails, after creating the account. We record the mail in the outbox in the sign-up
  // transaction and deliver it from the mailer, so sign-up never fails on delivery (README).
  // Our 429 is the sign-up rate limit.
  'POST /api/auth/users: status 500 not documented in ours': 'mail is handed off durably; sign-up never fails on delivery',
  // OAuth (README, "OAuth sign-in"). InsForge wraps a missing provider configuration into 500
  // AUTH_OAUTH_CONFIG_ERROR; it is not a server fault, so ours is 501 with the same code and message.
  'GET /api/auth/oauth/{provider}: status 500 not documented in ours': 'an unconfigured provider is 501, not 500',
  // InsForge's own schema (oAuthInitRequestSchema) requires it, whatever its OpenAPI file says.
  'GET /api/auth/oauth/{provider} query parameter code_challenge: required by ours, optional in the reference':
    'as-built §1.3: the code challenge is required',
  // A token in the callback URL is never accepted: only a code, exchanged at the provider's token endpoint.
  'GET /api/auth/oauth/{provider}/callback query parameter token: missing in ours': 'no ID token is taken from a URL',
  // InsForge answers 400 for a bad code (INVALID_INPUT) and for a wrong verifier (AUTH_UNAUTHORIZED).
  'POST /api/auth/oauth/exchange: status 401 not documented in ours': 'as-built §1.3: a bad code or verifier is a 400',
  // The file names the admin `projectAdmin`; InsForge's code answers `{admin: {sub}}` (as-built §1.4,
  // admin.routes.ts), and so do we, as the dashboard reads it.
  'POST /api/auth/admin/sessions 200.projectAdmin: missing in ours': 'as-built §1.4: the code answers `admin`, not `projectAdmin`',
  'POST /api/auth/admin/refresh 200.projectAdmin: missing in ours': 'as-built §1.4: the code answers `admin`, not `projectAdmin`',
  // "User is not an admin": there is no such case; the credentials are the admin's or they are wrong (401).
  'POST /api/auth/admin/sessions: status 403 not documented in ours': 'InsForge never answers 403 here either (admin.routes.ts)',
  // Client secrets are write-only here (README, "OAuth provider configuration"): a GET says only
  // whether one is stored (`hasClientSecret`), so a leaked admin credential cannot read them back.
  'GET /api/auth/oauth/{provider}/config 200.clientSecret: missing in ours': 'client secrets are write-only (hasClientSecret)',
  'GET /api/auth/oauth/custom/{key}/config 200.clientSecret: missing in ours': 'client secrets are write-only (hasClientSecret)',
  'GET /api/auth/oauth/custom/{key} query parameter code_challenge: required by ours, optional in the reference':
    'as-built §1.3: the code challenge is required (oAuthInitRequestSchema), as for built-in providers',
  // A provider that refuses (access_denied) comes back with `error` and no code; it goes to the app as ?error=.
  'GET /api/auth/oauth/custom/{key}/callback query parameter code: required in the reference, optional in ours':
    "a provider's error comes back without a code",
  // Until SMTP is enabled the sender is '' (InsForge answers '' too), which is no email address.
  'GET /api/auth/smtp-config 200.senderEmail: format email in the reference, none in ours': "'' until SMTP is enabled, as InsForge answers",
  'PUT /api/auth/smtp-config 200.senderEmail: format email in the reference, none in ours':
    "'' while SMTP is disabled, as InsForge answers",
};

const KINDS = ['request', 'responses', 'statuses', 'parameters', 'security'] as const;
const label = (o: { method: string; path: string }) => `${o.method} ${o.path}`;

/** The document's paths that the gateway routes to profiles (the longest prefix wins). */
const isProfilesPath = (path: string) => path.startsWith('/api/auth/profiles');

describe('OpenAPI documents', () => {
  const reference = parse(readFileSync(REFERENCE, 'utf8')) as OpenApiDoc;
  const ours = {} as Record<App, OpenApiDoc>;
  const findings = new Map<string, OperationFindings>();

  beforeAll(async () => {
    for (const app of APPS) {
      const res = await call<OpenApiDoc & { openapi: string }>('GET', DOCUMENTS[app]);
      if (res.status !== 200) throw new Error(`GET ${DOCUMENTS[app]} answered ${res.status}: ${res.text}`);
      ours[app] = res.body;
    }
    for (const o of OPERATIONS) findings.set(label(o), compareOperation(reference, ours[o.servedBy], o.method, o.path));
  });

  it.each(APPS)('%s serves its document as JSON through the gateway, without credentials, describing only its own paths', async (app) => {
    const res = await call<{ openapi: string; paths: object }>('GET', DOCUMENTS[app]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\.0\./);
    const paths = Object.keys(res.body.paths);
    expect(paths).toContain(app === 'identity' ? '/api/auth/users' : '/api/auth/profiles/{userId}');
    expect(paths.filter((p) => isProfilesPath(p) !== (app === 'profiles'))).toEqual([]);
  });

  it('serves profiles’ document without shadowing GET /api/auth/profiles/:userId', async () => {
    // A UUID still reaches the controller (an unknown user is a 404, not a 400 or a document) ...
    const missing = await call('GET', `/api/auth/profiles/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'AUTH_USER_NOT_FOUND', statusCode: 404 });
    // ... and any other id, even one that looks like the document, is still refused by it.
    for (const id of ['openapi.yaml', 'openapi.json.bak', 'not-a-uuid']) {
      const bad = await call('GET', `/api/auth/profiles/${id}`);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'INVALID_INPUT', message: 'Invalid user ID format', statusCode: 400 });
    }
  });

  it('lists every reference operation our documents implement, with the app that serves it', () => {
    const listed = new Map(OPERATIONS.map((o) => [label(o), o.servedBy]));
    const implemented = APPS.flatMap((app) =>
      Object.entries(ours[app].paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => reference.paths[path]?.[m])
          .map((m) => ({ op: `${m.toUpperCase()} ${path}`, app })),
      ),
    );
    expect(implemented.filter(({ op, app }) => listed.get(op) !== app)).toEqual([]);
  });

  describe.each(OPERATIONS)('$method $path', (o) => {
    it('is in the reference, and in the document of the app that serves it', () => {
      expect(reference.paths[o.path]?.[o.method.toLowerCase()]).toBeDefined();
      expect(findings.get(label(o))!.documented).toBe(true);
    });

    it.each(KINDS)('no unexpected %s differences', (kind) => {
      const unexpected = findings.get(label(o))![kind].filter((f) => !(f in DELIBERATE));
      expect(unexpected).toEqual([]);
    });
  });

  it('allows only differences that still exist', () => {
    const all = new Set([...findings.values()].flatMap((f) => KINDS.flatMap((k) => f[k])));
    expect(Object.keys(DELIBERATE).filter((d) => !all.has(d))).toEqual([]);
  });
});
