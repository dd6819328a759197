// A real OpenID Provider (the `oidc-provider` package, OpenID certified) standing in for Google in
// the end-to-end tests: identity reaches it through OAUTH_PROVIDER_ENDPOINTS (operator
// configuration), exactly as it reaches Google. Run as its own process by the harness:
//   OIDC_PORT=14071 OIDC_CLIENTS='[{"client_id":...,"client_secret":...,"redirect_uris":[...]}]' node test/harness/oidc-provider.mjs
//
// There is no login page: the tests name the account with `login_hint` (an extra authorization
// parameter our API passes through), registered beforehand with POST /__test/accounts
// {sub, email, email_verified, name}. `login_hint=deny` makes the provider answer access_denied.
import { createServer } from 'node:http';
import { Provider } from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 14071);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS ?? '[]');
// The signing keys (private JWKs) from the harness, so tests can also forge tokens with them.
const jwks = process.env.OIDC_JWKS ? JSON.parse(process.env.OIDC_JWKS) : undefined;

/** @type {Map<string, {sub: string, email?: string, email_verified?: boolean, name?: string}>} */
const accounts = new Map();

const provider = new Provider(issuer, {
  ...(jwks ? { jwks } : {}),
  clients: clients.map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  // Google puts the profile claims in the ID token, not only in userinfo.
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
  scopes: ['openid', 'email', 'profile'],
  // Every client must send PKCE: proves identity does.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['e2e-oidc-provider-cookie-key'] },
  async findAccount(_ctx, sub) {
    const a = accounts.get(sub);
    if (!a) return undefined;
    return { accountId: sub, claims: async () => ({ ...a }) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return JSON.parse(body || '{}');
}

/** The "login page": signs in the account named by login_hint and grants what was asked. */
async function finishInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const hint = details.params.login_hint;
  if (hint === 'deny' || !accounts.has(hint)) {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user declined' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const grant = new provider.Grant({ accountId: hint, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: hint }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const server = createServer((req, res) => {
  const path = new URL(req.url, issuer).pathname;
  if (path === '/health') return res.end('ok');
  if (req.method === 'POST' && path === '/__test/accounts') {
    readJson(req).then(
      (a) => {
        accounts.set(a.sub, a);
        res.writeHead(204).end();
      },
      () => res.writeHead(400).end(),
    );
    return;
  }
  if (path.startsWith('/interaction/')) {
    finishInteraction(req, res).catch((err) => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
    return;
  }
  handle(req, res);
});
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider at ${issuer}`));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => server.close(() => process.exit(0)));
