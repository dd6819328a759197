// The local edge: nginx configured from the one route table (routes.json), the table the
// Kubernetes HTTPRoutes and Ingress follow too. Nothing generated is committed: the configuration
// is written at start from the environment.
//
//   node gateway/nginx.mjs config [--prefix DIR] [--json]   write DIR/nginx.conf (default .data/nginx);
//                                                 print its path (or how to start nginx on it, as JSON)
//   node gateway/nginx.mjs [run] [--prefix DIR]    write it, then run nginx in the foreground (signals forwarded)
//
// nginx runs unprivileged: its pid file, temp directories (see tempDir) and configuration live under the prefix,
// errors go to stderr, and no path of the system nginx (/var/lib/nginx, /run) is touched.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUTES = fileURLToPath(new URL('./routes.json', import.meta.url));
const DEFAULT_TRUSTED_PROXIES = '127.0.0.1/32,::1/128';
const SAFE_ID = '^[A-Za-z0-9._:-]{1,128}$'; // the apps accept the same X-Request-Id (libs/core request-id.ts)

/**
 * The error bodies nginx answers itself, in the API's shape: InsForge's, or Gorb's under /v1.
 * They live at internal URIs, not named locations: nginx cannot redirect a request whose request
 * line it could not parse (a %00 in the path) to a named location, and would answer 500 instead.
 */
const ERRORS = {
  400: ['INVALID_INPUT', 'Malformed request'],
  404: ['NOT_FOUND', 'Endpoint $edge_safe_uri not found'],
  413: ['PAYLOAD_TOO_LARGE', 'Request body is too large'],
  414: ['INVALID_INPUT', 'Request URI is too long'],
  431: ['INVALID_INPUT', 'Request headers are too large'],
  500: ['INTERNAL_ERROR', 'Internal server error'],
  503: ['SERVICE_UNAVAILABLE', 'Service temporarily unavailable'],
  504: ['GATEWAY_TIMEOUT', 'The service did not answer in time'],
};
/**
 * nginx's own status -> the status the client gets. An app that is down or restarting (connection
 * refused: nginx's 502) is "unavailable, try again" (503) to clients, as it was with the gateway;
 * 494 is nginx's internal code for oversized request headers.
 */
const ERROR_PAGES = { 400: 400, 404: 404, 413: 413, 414: 414, 494: 431, 500: 500, 502: 503, 503: 503, 504: 504 };

export function readRoutes(file = ROUTES) {
  const routes = JSON.parse(readFileSync(file, 'utf8')).routes;
  if (!Array.isArray(routes) || routes.length === 0) throw new Error('routes.json has no routes');
  for (const r of routes) {
    if (!/^\/[A-Za-z0-9._~\-/]*[^/]$/.test(r.prefix)) throw new Error(`routes.json: bad prefix ${JSON.stringify(r.prefix)}`);
    if (!/^[a-z][a-z0-9-]*$/.test(r.upstream)) throw new Error(`routes.json: bad upstream ${JSON.stringify(r.upstream)}`);
  }
  return routes;
}

/** Which error shape a route prefix answers in (the apps decide the same way: errorStyleFor). */
export const errorStyleOf = (prefix) => (prefix === '/v1' || prefix.startsWith('/v1/') ? 'gorb' : 'insforge');

/** host:port of an upstream: <NAME>_URL (compose: http://identity:3001) or 127.0.0.1:<NAME>_PORT. */
export function upstreamAddress(name, env) {
  const key = name.toUpperCase().replace(/-/g, '_');
  const url = env[`${key}_URL`];
  if (url) {
    const u = new URL(url);
    if (u.protocol !== 'http:' || !u.port) throw new Error(`${key}_URL must be http://host:port`);
    return `${u.hostname}:${u.port}`;
  }
  const defaults = { IDENTITY: 3001, PROFILES: 3002 };
  const port = Number(env[`${key}_PORT`] ?? defaults[key]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${key}_PORT or ${key}_URL must name the ${name} upstream`);
  return `127.0.0.1:${port}`;
}

export function trustedProxies(env) {
  const list = (env.TRUSTED_PROXIES || DEFAULT_TRUSTED_PROXIES).trim();
  if (list.toLowerCase() === 'none') return [];
  const entries = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const [ip, prefix, ...rest] = entry.split('/');
    const family = isIP(ip);
    if (!family || rest.length || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))))
      throw new Error(`TRUSTED_PROXIES: entry ${i + 1} is not an IP address or CIDR`);
  });
  return entries;
}

const hasIpv6 = () =>
  Object.values(networkInterfaces())
    .flat()
    .some((a) => a?.family === 'IPv6');

/** Modules Debian's nginx-light may be built without: their temp paths must not be configured then. */
function builtWithout(nginxBin) {
  try {
    const v = execFileSync(nginxBin, ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return v;
  } catch (e) {
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

/** `nginx` on PATH, or Debian's /usr/sbin/nginx (not on an unprivileged user's PATH). */
export function nginxBinary(env = process.env) {
  if (env.NGINX_BIN) return env.NGINX_BIN;
  for (const dir of [...(env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin']) {
    if (existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  throw new Error("nginx is not installed (scripts/ensure-services.sh installs Debian's nginx-light)");
}

/** JSON for a `return` string: single quotes delimit it in nginx, so none may appear inside. */
const nginxString = (s) => {
  if (/['\\\n]/.test(s)) throw new Error(`cannot embed ${s}`);
  return `'${s}'`;
};

function errorLocations(corsHeaders) {
  const out = [];
  for (const style of ['insforge', 'gorb']) {
    for (const [status, [code, message]] of Object.entries(ERRORS)) {
      const body = style === 'gorb' ? `{"message":"${message}"}` : `{"error":"${code}","message":"${message}","statusCode":${status}}`;
      out.push(`    location = /.edge-error/${style}/${status} {
      internal;
      default_type "application/json; charset=utf-8";
      add_header X-Request-Id $edge_request_id always;
${corsHeaders}${status === '503' ? '      add_header Retry-After 1 always;\n' : ''}      return ${status} ${nginxString(body)};
    }`);
    }
  }
  return out.join('\n');
}

const errorPages = (style, indent) =>
  Object.entries(ERROR_PAGES)
    .map(([from, to]) => `${indent}error_page ${from} ${from === String(to) ? '' : `=${to} `}/.edge-error/${style}/${to};`)
    .join('\n');

/** The whole nginx.conf for this environment and route table. */
export function renderNginxConfig({ env = process.env, routes = readRoutes(), prefix, nginxBin, ipv6 = hasIpv6() } = {}) {
  const port = Number(env.GATEWAY_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('GATEWAY_PORT must be a port number');
  const bodyLimit = Number(env.BODY_LIMIT_BYTES ?? 65536);
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) throw new Error('BODY_LIMIT_BYTES must be an integer >= 1024');
  const workers = env.NGINX_WORKER_PROCESSES || 'auto';
  if (!/^(auto|[1-9][0-9]?)$/.test(workers)) throw new Error('NGINX_WORKER_PROCESSES must be auto or 1..99');
  const trusted = trustedProxies(env);
  const origins = (env.CORS_ORIGINS ?? 'http://localhost:3000,http://localhost:5173')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const o of origins) if (!/^https?:\/\/[A-Za-z0-9.\-:[\]]+$/.test(o)) throw new Error('CORS_ORIGINS: an entry is not an origin');
  const debug = ['debug', 'trace'].includes(env.LOG_LEVEL ?? '');
  const without = nginxBin ? builtWithout(nginxBin) : '';
  const tmp = (name) => `${tempDir(prefix)}/${name}`;
  const tempPaths = [
    `client_body_temp_path ${tmp('client_body')};`,
    `proxy_temp_path ${tmp('proxy')};`,
    ...['fastcgi', 'uwsgi', 'scgi'].filter((m) => !without.includes(`--without-http_${m}_module`)).map((m) => `${m}_temp_path ${tmp(m)};`),
  ];

  const upstreams = [...new Set(routes.map((r) => r.upstream))];
  const upstreamBlocks = upstreams
    .map(
      (name) => `  upstream ${name} {
    server ${upstreamAddress(name, env)};
    # Reused connections: a new TCP connection per request would cost more than the proxying.
    keepalive 64;
    keepalive_requests 10000;
    # Shorter than the apps' own idle timeout (fastify: 72 s), so nginx never reuses a connection
    # the app is closing.
    keepalive_timeout 60s;
  }`,
    )
    .join('\n');

  // Longest prefix first is nginx's own rule; `= /p` and `/p/` keep /api/authx out of /api/auth.
  const routeBlocks = [...routes]
    .sort((a, b) => b.prefix.length - a.prefix.length)
    .map((r) => {
      const style = errorStyleOf(r.prefix);
      const body = `      proxy_pass http://${r.upstream};${style === 'gorb' ? `\n${errorPages('gorb', '      ')}` : ''}`;
      return `    location = ${r.prefix} {\n${body}\n    }\n    location ${r.prefix}/ {\n${body}\n    }`;
    })
    .join('\n');

  const cors = origins.length
    ? `  # nginx's own error responses carry CORS headers for the allowed origins, as the apps' do.
  map $http_origin $edge_cors_origin {
    default "";
${origins.map((o) => `    ${nginxString(o)} $http_origin;`).join('\n')}
  }
  map $edge_cors_origin $edge_cors_credentials {
    "" "";
    default "true";
  }`
    : `  map $http_origin $edge_cors_origin { default ""; }\n  map $http_origin $edge_cors_credentials { default ""; }`;
  const corsHeaders = `      add_header Access-Control-Allow-Origin $edge_cors_origin always;
      add_header Access-Control-Allow-Credentials $edge_cors_credentials always;
      add_header Access-Control-Expose-Headers X-Request-Id always;
      add_header Vary Origin always;
`;

  return `# Generated by gateway/nginx.mjs from gateway/routes.json and the environment. Do not edit:
# it is rewritten at every start.
daemon off;
master_process on;
worker_processes ${workers};
pid ${prefix}/nginx.pid;
error_log stderr ${debug ? 'info' : 'warn'};

events {
  worker_connections 4096;
}

http {
  server_tokens off;
  ${debug ? 'log_format edge escape=json \'{"time":"$time_iso8601","requestId":"$edge_request_id","client":"$remote_addr","peer":"$realip_remote_addr","method":"$request_method","uri":"$request_uri","status":$status,"upstream":"$upstream_addr","upstreamStatus":"$upstream_status","seconds":$request_time}\';\n  access_log /dev/stdout edge;' : 'access_log off;'}
  ${tempPaths.join('\n  ')}

  keepalive_timeout 65s;
  keepalive_requests 10000;
  # BODY_LIMIT_BYTES, as the apps enforce it: larger bodies get 413 here, before any app.
  client_max_body_size ${bodyLimit};
  client_body_buffer_size ${Math.min(bodyLimit, 1024 * 1024)};
  # Node's default header limit (16 KiB) is what the apps accept directly.
  large_client_header_buffers 4 16k;

  # X-Request-Id: the caller's when it is a sane token, else nginx's own random id (128 bits),
  # written like the UUIDs the apps create.
  map $request_id $edge_new_request_id {
    "~^(?<r1>[0-9a-f]{8})(?<r2>[0-9a-f]{4})(?<r3>[0-9a-f]{4})(?<r4>[0-9a-f]{4})(?<r5>[0-9a-f]{12})$" "$r1-$r2-$r3-$r4-$r5";
    default $request_id;
  }
  map $http_x_request_id $edge_request_id {
    "~${SAFE_ID}" $http_x_request_id;
    default $edge_new_request_id;
  }

  # TRUSTED_PROXIES: only these peers' X-Forwarded-For counts (read from the right, skipping
  # trusted addresses); anyone else is the client. The apps get exactly one address.
${trusted.map((cidr) => `  set_real_ip_from ${cidr};`).join('\n') || '  # (none trusted)'}
  real_ip_header X-Forwarded-For;
  real_ip_recursive on;
  geo $realip_remote_addr $edge_peer_trusted {
    default 0;
${trusted.map((cidr) => `    ${cidr} 1;`).join('\n')}
  }
  map "$edge_peer_trusted:$http_x_forwarded_proto" $edge_forwarded_proto {
    "~^1:(?<proto>https?)$" $proto;
    default $scheme;
  }

  # The path in a 404 body only when it cannot break the JSON around it.
  map $request_uri $edge_safe_uri {
    "~^[A-Za-z0-9._~!$&()*+,;=:@/?%-]{1,512}$" $request_uri;
    default "(this path)";
  }

${cors}

${upstreamBlocks}

  server {
    listen ${port} backlog=4096;
${ipv6 ? `    listen [::]:${port} ipv6only=on backlog=4096;\n` : ''}    server_name _;

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Request-Id $edge_request_id;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $edge_forwarded_proto;
    proxy_set_header X-Forwarded-Host $host;
    proxy_connect_timeout 5s;
    proxy_send_timeout 60s;
    proxy_read_timeout 60s;
    proxy_redirect off;
    # The apps' own error bodies pass through untouched; only nginx's own errors get these pages.
    proxy_intercept_errors off;
${errorPages('insforge', '    ')}

    # The edge's own liveness (never proxied). Apps' health is on their management ports, unrouted.
    location = /healthz {
      access_log off;
      default_type application/json;
      return 200 '{"status":"ok"}';
    }

${routeBlocks}

    # Everything else is not ours: 404 in InsForge's shape.
    location / {
      return 404;
    }

${errorLocations(corsHeaders)}
  }
}
`;
}

/**
 * Where nginx buffers large bodies. Under the prefix, unless nginx starts as root: its workers then
 * run as another user, who must reach the directory, and a checkout in a directory only root may
 * enter (`mktemp -d`, /root) would hide the prefix; a directory of this prefix's own under the
 * system's temporary directory is used instead (nginx creates its subdirectories for the workers).
 */
function tempDir(prefix) {
  if (process.getuid?.() !== 0) return `${prefix}/tmp`;
  return join(tmpdir(), `auth-platform-nginx-${createHash('sha256').update(prefix).digest('hex').slice(0, 12)}`);
}

/** Writes <prefix>/nginx.conf and the directories nginx needs; returns the paths. */
export function writeNginxConfig({ env = process.env, prefix = resolve(env.NGINX_PREFIX || '.data/nginx') } = {}) {
  const nginxBin = nginxBinary(env);
  for (const dir of [prefix, tempDir(prefix), join(prefix, 'logs')]) mkdirSync(dir, { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, renderNginxConfig({ env, prefix, nginxBin }));
  return { conf, prefix, nginxBin, args: ['-p', prefix, '-c', conf, '-e', 'stderr'] };
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === '--prefix') rest.unshift(command);
  const at = rest.indexOf('--prefix');
  const env = at >= 0 ? { ...process.env, NGINX_PREFIX: rest[at + 1] } : process.env;
  if (command === 'config') {
    const written = writeNginxConfig({ env });
    console.log(rest.includes('--json') ? JSON.stringify(written) : written.conf);
  } else if (command === 'run' || command === undefined || command === '--prefix') {
    const { nginxBin, args, conf } = writeNginxConfig({ env });
    execFileSync(nginxBin, [...args, '-t', '-q'], { stdio: 'inherit' });
    const child = spawn(nginxBin, args, { stdio: 'inherit' });
    // SIGTERM/SIGINT: let nginx finish the requests in flight (its graceful QUIT), then exit.
    for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill('SIGQUIT'));
    process.on('SIGHUP', () => child.kill('SIGHUP'));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    console.log(JSON.stringify({ app: 'gateway', msg: `nginx on port ${env.GATEWAY_PORT ?? 8080}`, conf }));
  } else {
    console.error('usage: node gateway/nginx.mjs config|run [--prefix DIR]');
    process.exit(64);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
