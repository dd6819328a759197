// A small OAuth 2.0 authorization server with GitHub's endpoints and user API, standing in for
// GitHub in the end-to-end tests (identity reaches it through OAUTH_PROVIDER_ENDPOINTS, operator
// configuration). Run as its own process by the harness:
//   OAUTH_SERVER_PORT=14072 OAUTH_SERVER_CLIENTS='[{"client_id":...,"client_secret":...,"redirect_uris":[...]}]' node test/harness/oauth-server.mjs
//
// Like GitHub: GET /login/oauth/authorize (the user is the `login` parameter, which GitHub also
// takes; `login=deny` answers access_denied), POST /login/oauth/access_token (client
// authentication by HTTP Basic or in the body, single-use codes bound to the client, redirect URI
// and PKCE challenge; errors as GitHub sends them, 200 with an `error` field), GET /user and
// GET /user/emails with the bearer token. Users are registered with POST /__test/users
// {id, login, name, email, emails: [{email, primary, verified}]}.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.env.OAUTH_SERVER_PORT ?? 14072);
const base = `http://127.0.0.1:${port}`;
const clients = new Map(JSON.parse(process.env.OAUTH_SERVER_CLIENTS ?? '[]').map((c) => [c.client_id, c]));
const users = new Map();
const codes = new Map();
const tokens = new Map();

const json = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const same = (a, b) =>
  typeof a === 'string' && typeof b === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

async function readBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

function authorize(url, res) {
  const q = url.searchParams;
  const client = clients.get(q.get('client_id'));
  const redirect = q.get('redirect_uri');
  if (!client || !client.redirect_uris.includes(redirect)) return json(res, 400, { error: 'redirect_uri_mismatch' });
  const back = new URL(redirect);
  back.searchParams.set('state', q.get('state') ?? '');
  const login = q.get('login');
  if (login === 'deny' || !users.has(login)) {
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('error_description', 'The user has denied your application access.');
  } else {
    const code = randomBytes(20).toString('hex');
    codes.set(code, {
      login,
      clientId: client.client_id,
      redirect,
      challenge: q.get('code_challenge'),
      method: q.get('code_challenge_method'),
      expires: Date.now() + 10 * 60_000,
    });
    back.searchParams.set('code', code);
  }
  res.writeHead(302, { location: back.href }).end();
}

async function token(req, res) {
  const form = new URLSearchParams(await readBody(req));
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (basic) {
    const [u, p] = Buffer.from(basic[1], 'base64').toString().split(':');
    id = decodeURIComponent(u.replace(/\+/g, ' '));
    secret = decodeURIComponent((p ?? '').replace(/\+/g, ' '));
  }
  const client = clients.get(id);
  if (!client || !same(secret, client.client_secret)) return json(res, 200, { error: 'incorrect_client_credentials' });
  const grant = codes.get(form.get('code'));
  codes.delete(form.get('code'));
  const fail = () => json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
  if (!grant || grant.expires < Date.now() || grant.clientId !== id || grant.redirect !== form.get('redirect_uri')) return fail();
  if (grant.challenge) {
    const verifier = form.get('code_verifier') ?? '';
    if (grant.method !== 'S256' || createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return fail();
  }
  const accessToken = `gho_${randomBytes(18).toString('hex')}`;
  tokens.set(accessToken, grant.login);
  json(res, 200, { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
}

function api(req, res, path) {
  const m = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '');
  const login = m && tokens.get(m[1]);
  if (!login) return json(res, 401, { message: 'Bad credentials' });
  const u = users.get(login);
  if (path === '/user')
    return json(res, 200, { id: u.id, login: u.login, name: u.name ?? null, email: u.email ?? null, avatar_url: u.avatar_url ?? null });
  return json(res, 200, u.emails ?? []);
}

const server = createServer((req, res) => {
  const url = new URL(req.url, base);
  const route = `${req.method} ${url.pathname}`;
  const fail = (err) => {
    console.error(err);
    if (!res.headersSent) json(res, 500, { message: String(err) });
  };
  if (route === 'GET /health') return res.end('ok');
  if (route === 'POST /__test/users') {
    readBody(req).then((t) => {
      const u = JSON.parse(t);
      users.set(u.login, u);
      res.writeHead(204).end();
    }, fail);
    return;
  }
  if (route === 'GET /login/oauth/authorize') return authorize(url, res);
  if (route === 'POST /login/oauth/access_token') return void token(req, res).catch(fail);
  if (route === 'GET /user' || route === 'GET /user/emails') return api(req, res, url.pathname);
  json(res, 404, { message: 'Not Found' });
});
server.listen(port, '127.0.0.1', () => console.log(`oauth server at ${base}`));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => server.close(() => process.exit(0)));
