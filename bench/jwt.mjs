// `npm run bench:jwt`: sign and verify per second of the ways this platform could make and check
// access tokens, on the calling thread, with no server involved (see bench/README.md "JWT").
// Rows: jsonwebtoken called directly vs @nestjs/jwt's JwtService (which wraps it), with a string
// (an HMAC secret, or a PEM text for ES256) vs a KeyObject, plus jose (WebCrypto, async).
// ES256 is what identity signs with; the HS256 rows show what a string secret costs. The last
// rows run the platform's own code (libs/auth's AccessTokenVerifier, bundled from source with
// esbuild): what the guard of every app does with a token it has not seen yet.
// Each row: median of BENCH_JWT_RUNS runs (5) of BENCH_JWT_MS ms (700) each; µs/op is CPU time
// (process.cpuUsage) per operation, so other work on the machine matters less than for ops/s.
// Env: BENCH_JWT_RUNS, BENCH_JWT_MS, BENCH_JWT_FILTER (a substring of the row names to run).
import 'reflect-metadata';
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNS = Number(process.env.BENCH_JWT_RUNS ?? 5);
const MS = Number(process.env.BENCH_JWT_MS ?? 700);
const FILTER = process.env.BENCH_JWT_FILTER ?? '';

const claims = { email: 'someone@example.com', role: 'authenticated', sid: '0b6c3bc4-52f8-4a26-9d4f-2c1a8f4f3f1e' };
const signOpts = { subject: '7d3f0a52-6a55-4b0e-9d7e-0e6c3a1f2b44', issuer: 'bench', audience: 'bench', expiresIn: 900 };
const verifyOpts = { issuer: 'bench', audience: 'bench' };

const hmacText = randomBytes(32).toString('base64url');
const hmacKey = createSecretKey(Buffer.from(hmacText));
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPrivatePem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' });
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' });
const kid = 'bench-key';

const nest = new JwtService({});
const hs = { algorithm: 'HS256', ...signOpts };
const es = { algorithm: 'ES256', keyid: kid, ...signOpts };
const hsToken = jsonwebtoken.sign(claims, hmacKey, hs);
const esToken = jsonwebtoken.sign(claims, ec.privateKey, es);
const joseEcPublic = await importJWK({ ...ec.publicKey.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256');
const joseEcPrivate = await importJWK({ ...ec.privateKey.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256');

// The verifier as JwtAuthModule builds it (ES256 only, issuer, audience), with one known kid.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'node_modules/.cache/bench-jwt/verifier.mjs');
mkdirSync(dirname(outfile), { recursive: true });
await build({
  entryPoints: [join(root, 'libs/auth/src/access-token.verifier.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'error',
});
const { AccessTokenVerifier } = await import(pathToFileURL(outfile).href);
const verifier = new AccessTokenVerifier(new JwtService({ verifyOptions: { algorithms: ['ES256'], ...verifyOpts } }), {
  resolve: async (k) => (k === kid ? { key: ec.publicKey, trustedUntil: Date.now() + 60_000 } : undefined),
});

/** name → one operation (sync or async). Every verify row also checks it really verified. */
const rows = [
  ['HS256 sign   jsonwebtoken  string', () => jsonwebtoken.sign(claims, hmacText, hs)],
  ['HS256 sign   jsonwebtoken  KeyObject', () => jsonwebtoken.sign(claims, hmacKey, hs)],
  ['HS256 sign   JwtService    string', () => nest.sign(claims, { secret: hmacText, ...hs })],
  ['HS256 sign   JwtService    KeyObject', () => nest.sign(claims, { privateKey: hmacKey, ...hs })],
  ['HS256 verify jsonwebtoken  string', () => jsonwebtoken.verify(hsToken, hmacText, { algorithms: ['HS256'], ...verifyOpts })],
  ['HS256 verify jsonwebtoken  KeyObject', () => jsonwebtoken.verify(hsToken, hmacKey, { algorithms: ['HS256'], ...verifyOpts })],
  ['HS256 verify JwtService    string', () => nest.verify(hsToken, { secret: hmacText, algorithms: ['HS256'], ...verifyOpts })],
  ['HS256 verify JwtService    KeyObject', () => nest.verify(hsToken, { publicKey: hmacKey, algorithms: ['HS256'], ...verifyOpts })],
  ['ES256 sign   jsonwebtoken  PEM string', () => jsonwebtoken.sign(claims, ecPrivatePem, es)],
  ['ES256 sign   jsonwebtoken  KeyObject', () => jsonwebtoken.sign(claims, ec.privateKey, es)],
  ['ES256 sign   JwtService    PEM string', () => nest.sign(claims, { privateKey: ecPrivatePem, ...es })],
  ['ES256 sign   JwtService    KeyObject', () => nest.sign(claims, { privateKey: ec.privateKey, ...es })],
  [
    'ES256 sign   jose          KeyObject',
    () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(signOpts.subject)
        .setIssuer('bench')
        .setAudience('bench')
        .setIssuedAt()
        .setExpirationTime('900s')
        .sign(joseEcPrivate),
  ],
  ['ES256 verify jsonwebtoken  PEM string', () => jsonwebtoken.verify(esToken, ecPublicPem, { algorithms: ['ES256'], ...verifyOpts })],
  ['ES256 verify jsonwebtoken  KeyObject', () => jsonwebtoken.verify(esToken, ec.publicKey, { algorithms: ['ES256'], ...verifyOpts })],
  ['ES256 verify JwtService    PEM string', () => nest.verify(esToken, { publicKey: ecPublicPem, algorithms: ['ES256'], ...verifyOpts })],
  ['ES256 verify JwtService    KeyObject', () => nest.verify(esToken, { publicKey: ec.publicKey, algorithms: ['ES256'], ...verifyOpts })],
  ['ES256 verify jose          KeyObject', () => jwtVerify(esToken, joseEcPublic, { algorithms: ['ES256'], ...verifyOpts })],
  ['ES256 verify AccessTokenVerifier', () => verifier.verify(esToken).then((v) => ({ sub: v?.principal.userId }))],
];

async function once(op) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  const first = op();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  while (performance.now() - t0 < MS) {
    // batches of 64 keep the clock reads out of the figure
    if (isAsync) for (let i = 0; i < 64; i++) await op();
    else for (let i = 0; i < 64; i++) op();
    n += 64;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (n / wall) * 1000, cpuMicros: (cpu.user + cpu.system) / n };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}; ${RUNS} runs × ${MS} ms per row, median`);
console.log(`${'operation'.padEnd(40)} ${'ops/s'.padStart(9)} ${'µs CPU/op'.padStart(10)}`);
for (const [name, op] of rows) {
  if (FILTER && !name.includes(FILTER)) continue;
  const out = await op();
  if (name.includes('verify') && !(out?.sub ?? out?.payload?.sub)) throw new Error(`${name} did not verify`);
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await once(op));
  const ops = median(runs.map((x) => x.perSecond));
  const cpu = median(runs.map((x) => x.cpuMicros));
  console.log(`${name.padEnd(40)} ${Math.round(ops).toString().padStart(9)} ${cpu.toFixed(1).padStart(10)}`);
}
