import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
let tree: string | undefined;

/**
 * A copy of k8s/ to render from: the dev overlay's secrets file is gitignored, so the copy gets one
 * from the documented command (scripts/k8s-dev-secrets.sh), exactly as a developer would create it.
 */
function k8sTree(): string {
  if (tree) return tree;
  const dir = mkdtempSync(join(tmpdir(), 'auth-k8s-'));
  cpSync(join(ROOT, 'k8s'), join(dir, 'k8s'), { recursive: true, filter: (src) => !src.endsWith(join('overlays', 'dev', 'secrets.env')) });
  const made = spawnSync('bash', [join(ROOT, 'scripts', 'k8s-dev-secrets.sh'), join(dir, 'k8s', 'overlays', 'dev', 'secrets.env')], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`scripts/k8s-dev-secrets.sh failed: ${made.stderr}`);
  tree = dir;
  return dir;
}

/**
 * `kubectl kustomize <dir>` (offline), dir relative to the repository root. A missing kubectl is a
 * failure, never a skip: without it nothing below would be checked.
 */
export function kustomize(dir: string): K8sObject[] {
  const cached = rendered.get(dir);
  if (cached) return structuredClone(cached);
  const result = spawnSync('kubectl', ['kustomize', dir], { cwd: k8sTree(), encoding: 'utf8', timeout: 60_000 });
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
  return structuredClone(objects);
}

const CRD_PACKAGES: Record<string, string> = {
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

type ModelClass = new (data: unknown) => { validate(): void };

/**
 * The kubernetes-models class for an object's apiVersion and kind, or undefined if the package has
 * none. The package is ESM-only with an `import`-only exports map, which jest's CommonJS resolver
 * cannot follow, so the file is required by path (jest then loads it through require(esm)).
 */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const groupVersion = apiVersion.includes('/') ? apiVersion : `v1`;
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(groupVersion) || !/^\w+$/.test(kind)) return undefined;
  const group = groupVersion.split('/')[0];
  // Custom resources: the CRD schemas of Gateway API, KEDA and the Prometheus Operator, as shipped
  // by the @kubernetes-models packages (generated from each project's CRD OpenAPI schemas).
  const pkg = CRD_PACKAGES[group] ?? 'kubernetes-models';
  const file = join(ROOT, 'node_modules', pkg, ...groupVersion.split('/'), `${kind}.js`);
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

/** Which app an image belongs to: `[<registry>/...]auth-platform/<app>[:tag|@digest]`. */
export function appOfImage(image: string): string | undefined {
  return /^(?:[^/]+\/)*auth-platform\/([a-z-]+)(?:[:@].*)?$/.exec(image)?.[1];
}

export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
