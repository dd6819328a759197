import { readRepoFile } from './repo-files.js';

/** The processes we deploy: the three Nest apps and the compose-only gateway. */
export const APPS = ['identity', 'profiles', 'mailer', 'gateway'] as const;
export type App = (typeof APPS)[number];

/** Variables a deploy file may set although .env.example does not list them (not app config). */
export const UNDOCUMENTED_ALLOWED: Partial<Record<App, readonly string[]>> = {
  // The gateway's upstreams: in Kubernetes the Ingress routes instead, so no app reads them.
  gateway: ['IDENTITY_URL', 'PROFILES_URL'],
};

/** Reads a variable outside its own .env.example section, and why. */
const ALSO_READ_BY: Record<string, readonly App[]> = {
  // profiles verifies the access tokens identity signs: same issuer, same audience.
  JWT_ISSUER: ['profiles'],
  JWT_AUDIENCE: ['profiles'],
  // the edge logs at the platform's level, enforces the body limit, answers its own errors with
  // CORS headers for the same origins, and trusts forwarded headers from the same proxies.
  LOG_LEVEL: ['gateway'],
  BODY_LIMIT_BYTES: ['gateway'],
  CORS_ORIGINS: ['gateway'],
  TRUSTED_PROXIES: ['gateway'],
  // identity lets requireEmailVerification be turned on when the mailer has an SMTP server of its own.
  SMTP_HOST: ['identity'],
};

export type EnvVar = { name: string; section: string; value: string };

/** Every `NAME=value` in .env.example with the `# --- section ---` it sits in. */
export function readEnvExample(): EnvVar[] {
  const vars: EnvVar[] = [];
  let section = '';
  for (const line of readRepoFile('.env.example').split('\n')) {
    const heading = /^#\s*---\s*(.+?)\s*-{3,}\s*$/.exec(line);
    if (heading) section = heading[1];
    const assignment = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (assignment) {
      // A quoted value (one with spaces or `<>`) is read without its quotes, as bash and compose do.
      const value = assignment[2]
        .replace(/\s+#.*$/, '')
        .trim()
        .replace(/^"(.*)"$/, '$1');
      vars.push({ name: assignment[1], section, value });
    }
  }
  if (vars.length === 0) throw new Error('.env.example lists no variables');
  return vars;
}

/**
 * Which processes read a variable, derived from its .env.example section so that a new variable
 * is required in every deploy file of its owner at once. A section the rules do not understand
 * is an error: the contract must be extended, not silently skipped.
 */
export function readersOf(variable: EnvVar): App[] {
  const { name, section } = variable;
  const readers = new Set<App>(ALSO_READ_BY[name] ?? []);
  const named = /\(([^)]*)\)/.exec(section);
  if (section === 'database roles') {
    // Provisioning input (scripts/provision-db.sh, compose interpolation): no process reads it.
  } else if (/^shared/.test(section)) {
    if (name.startsWith('DB_')) ['identity', 'profiles'].forEach((a) => readers.add(a as App));
    else ['identity', 'profiles', 'mailer'].forEach((a) => readers.add(a as App));
  } else if (section === 'ports') {
    const app = name.replace(/(_MANAGEMENT)?_PORT$/, '').toLowerCase();
    if (!(APPS as readonly string[]).includes(app)) throw new Error(`.env.example: port ${name} belongs to no app`);
    readers.add(app as App);
  } else if (named) {
    for (const app of named[1].split(',').map((s) => s.trim())) {
      if (!(APPS as readonly string[]).includes(app)) throw new Error(`.env.example section "${section}": unknown app ${app}`);
      readers.add(app as App);
    }
  } else if ((APPS as readonly string[]).includes(section)) {
    readers.add(section as App);
  } else {
    throw new Error(`.env.example section "${section}" (${name}) has no owner in test/deploy/env-contract.ts`);
  }
  return [...readers];
}

/** The variables each process needs set (or explicitly empty) wherever it is deployed. */
export function requiredEnv(): Record<App, Set<string>> {
  const required = Object.fromEntries(APPS.map((app) => [app, new Set<string>()])) as Record<App, Set<string>>;
  for (const variable of readEnvExample()) for (const app of readersOf(variable)) required[app].add(variable.name);
  return required;
}

/** The port variable of each process, e.g. IDENTITY_PORT (the mailer has only a management port). */
export function portVariable(app: App): string {
  return app === 'mailer' ? managementPortVariable(app) : `${app.toUpperCase()}_PORT`;
}

/** Where an app serves /health/* and /metrics, e.g. IDENTITY_MANAGEMENT_PORT. */
export function managementPortVariable(app: App): string {
  return `${app.toUpperCase()}_MANAGEMENT_PORT`;
}

/** Values that only belong in a Secret (never in a ConfigMap or an image), recognised by name. */
export function isSecretVar(name: string): boolean {
  return /_(PASSWORD|SECRET|KEY)$/.test(name);
}
