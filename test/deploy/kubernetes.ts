import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlStream, ROOT } from './repo-files.js';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Rendered manifests are checked field by field, so the rest stays loosely typed.
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

const rendered = new Map<string, K8sObject[]>();

/**
 * `kubectl kustomize <dir>` (offline). A missing kubectl is a failure, never a skip: without it
 * nothing below would be checked.
 */
export function kustomize(dir: string): K8sObject[] {
  const cached = rendered.get(dir);
  if (cached) return cached;
  const result = spawnSync('kubectl', ['kustomize', dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? 'kubectl is not on PATH: the Kubernetes manifests cannot be rendered. Install kubectl (>= 1.27, ' +
            'it bundles kustomize) to run test/deploy.'
        : `kubectl kustomize ${dir} could not run: ${result.error.message}`,
    );
  }
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${result.status}):\n${result.stderr}`);
  const objects = parseYamlStream(result.stdout) as K8sObject[];
  rendered.set(dir, objects);
  return objects;
}

type ModelClass = new (data: unknown) => { validate(): void };

/**
 * The kubernetes-models class for an object's apiVersion and kind, or undefined if the package has
 * none. The package is ESM-only with an `import`-only exports map, which jest's CommonJS resolver
 * cannot follow, so the file is required by path (jest then loads it through require(esm)).
 */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const groupVersion = apiVersion.includes('/') ? apiVersion : `v1`;
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(groupVersion) || !/^\w+$/.test(kind)) return undefined;
  const file = join(ROOT, 'node_modules', 'kubernetes-models', ...groupVersion.split('/'), `${kind}.js`);
  if (!existsSync(file)) return undefined;
  return (require(file) as Record<string, ModelClass>)[kind];
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** The pod template of a workload (Deployment or Job). */
export function podSpec(workload: K8sObject): any {
  return workload.spec?.template?.spec;
}

/** Which app an image belongs to: `auth-platform/<app>[:tag|@digest]`. */
export function appOfImage(image: string): string | undefined {
  return /^auth-platform\/([a-z-]+)(?:[:@].*)?$/.exec(image)?.[1];
}

export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
