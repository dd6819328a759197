import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** The repository root (this file lives in test/deploy/). */
export const ROOT = join(__dirname, '..', '..');

export function readRepoFile(path: string): string {
  const abs = join(ROOT, path);
  if (!existsSync(abs)) throw new Error(`${path} does not exist (expected at ${abs})`);
  return readFileSync(abs, 'utf8');
}

/** Parses one YAML document; `merge` resolves `<<` keys the way Compose does. */
export function parseYamlFile<T>(path: string): T {
  return parse(readRepoFile(path), { merge: true, prettyErrors: true }) as T;
}

/** Parses a multi-document YAML stream (kubectl kustomize output), failing on any YAML error. */
export function parseYamlStream(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as Record<string, unknown> | null;
    })
    .filter((obj): obj is Record<string, unknown> => obj !== null);
}

export type GatewayRoute = { prefix: string; upstream: string };

export function readGatewayRoutes(): GatewayRoute[] {
  const routes = (JSON.parse(readRepoFile('gateway/routes.json')) as { routes?: GatewayRoute[] }).routes;
  if (!Array.isArray(routes) || routes.length === 0) throw new Error('gateway/routes.json has no routes');
  return routes;
}

type NestCli = { projects: Record<string, { type: string; root: string; sourceRoot: string; entryFile?: string }> };

/**
 * The Nest applications, from nest-cli.json: `nest build <app>` bundles `<sourceRoot>/<entryFile>.ts`
 * into `dist/<root>/<entryFile>.js` (rspack, one ESM bundle per app).
 */
export function nestApps(): Map<string, { source: string; bundle: string }> {
  const cli = JSON.parse(readRepoFile('nest-cli.json')) as NestCli;
  const apps = new Map<string, { source: string; bundle: string }>();
  for (const [name, project] of Object.entries(cli.projects)) {
    if (project.type !== 'application') continue;
    const entry = project.entryFile ?? 'main';
    apps.set(name, { source: `${project.sourceRoot}/${entry}.ts`, bundle: `dist/${project.root}/${entry}.js` });
  }
  return apps;
}

export function repoFileExists(path: string): boolean {
  return existsSync(join(ROOT, path));
}

/** The edge is not built: nginx, configured at start by this script (copied into the image as is). */
export const GATEWAY_ENTRY = 'gateway/nginx.mjs';

/** The health path the gateway itself serves (not proxied), read from its source. */
export function gatewayHealthPath(): string | undefined {
  return /location = (\/[^\s{]*health[^\s{]*) \{/.exec(readRepoFile(GATEWAY_ENTRY))?.[1];
}
