/**
 * The checks every rendered overlay must pass, as functions that return the problems they find
 * (empty = fine). kubernetes.spec.ts runs them on each overlay and on deliberately broken copies,
 * so a check that could never fail is caught too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type App, isSecretVar, managementPortVariable, readEnvExample, requiredEnv, UNDOCUMENTED_ALLOWED } from './env-contract.js';
import { appOfImage, byKind, type K8sObject, labelsMatch, modelFor, named, podSpec } from './kubernetes.js';
import { nestApps, readGatewayRoutes, readRepoFile, ROOT } from './repo-files.js';

export const NEST_APPS = ['identity', 'profiles', 'mailer'] as const;
export const MIGRATING_APPS = ['identity', 'profiles'] as const;
/** The apps' own shutdown deadline (libs/core: SIGTERM to exit); grace periods must exceed it. */
export const APP_SHUTDOWN_DEADLINE_SECONDS = 25;
/**
 * Connections the apps may hold at a rollout peak: PostgreSQL's default max_connections (100)
 * less 20 for superuser_reserved_connections, admin sessions, migrations and monitoring.
 */
export const APP_CONNECTION_BUDGET = 80;

export type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { prefix?: string; configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds?: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    privileged?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
};

const WORKLOADS = ['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'CronJob'];
export const workloads = (objects: K8sObject[]) => objects.filter((o) => WORKLOADS.includes(o.kind));
export const containersOf = (w: K8sObject): Container[] => (podSpec(w)?.containers ?? []) as Container[];
export const initContainersOf = (w: K8sObject): Container[] => (podSpec(w)?.initContainers ?? []) as Container[];
const allContainersOf = (w: K8sObject) => [...initContainersOf(w), ...containersOf(w)];
const id = (o: K8sObject, c?: Container) => `${o.kind}/${o.metadata.name}${c ? `/${c.name}` : ''}`;

/** The Deployment that runs an app's image, if exactly one does. */
export function deploymentOf(objects: K8sObject[], app: string): K8sObject | undefined {
  const found = byKind(objects, 'Deployment').filter((d) => containersOf(d).some((c) => appOfImage(c.image) === app));
  return found.length === 1 ? found[0] : undefined;
}

/** The file each app starts from, as the build produces it. */
export function entryOf(app: string): string {
  const project = nestApps().get(app);
  if (!project) throw new Error(`nest-cli.json has no application "${app}"`);
  return project.bundle;
}

/** A container's environment: name -> value (secrets as `<secret name/key>`); problems on the side. */
export function containerEnv(
  objects: K8sObject[],
  container: Container,
  problems: string[] = [],
  label = container.name,
): Map<string, string> {
  const env = new Map<string, string>();
  const set = (name: string, value: string) => {
    if (env.has(name)) problems.push(`${label}: ${name} is set by two sources`);
    env.set(name, value);
  };
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = named(objects, 'ConfigMap', source.configMapRef.name);
      if (!configMap) problems.push(`${label}: ConfigMap ${source.configMapRef.name} is not rendered`);
      for (const [key, value] of Object.entries(configMap?.data ?? {})) set(`${source.prefix ?? ''}${key}`, value);
    } else {
      problems.push(`${label}: envFrom other than configMapRef hides which secrets it reads`);
    }
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    set(variable.name, ref ? `<secret ${ref.name}/${ref.key}>` : (variable.value ?? ''));
  }
  return env;
}

function resolvePort(container: Container, port: number | string | undefined) {
  return typeof port === 'number' ? container.ports?.find((p) => p.containerPort === port) : container.ports?.find((p) => p.name === port);
}

// ---------------------------------------------------------------------------------------------------

/** Every object validates against its schema: Kubernetes, Gateway API, KEDA, Prometheus Operator. */
export function schemaProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const Model = modelFor(o.apiVersion, o.kind);
    if (!Model) {
      problems.push(`${o.apiVersion} ${o.kind}/${o.metadata?.name}: no schema known for it`);
      continue;
    }
    // kustomize wraps long base64 values over lines, which the API server's decoder ignores.
    const data =
      o.kind === 'Secret' && o.data ? Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, v.replace(/\s+/g, '')])) : o.data;
    try {
      new Model({ ...o, ...(data ? { data } : {}) }).validate();
    } catch (error) {
      problems.push(`${o.kind}/${o.metadata?.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Probes on the management port its *_MANAGEMENT_PORT names; /health/live and /health/ready. */
export function probeProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const app of NEST_APPS) {
    const deployment = deploymentOf(objects, app);
    if (!deployment) {
      problems.push(`${app}: no single Deployment runs its image`);
      continue;
    }
    for (const c of containersOf(deployment)) {
      const port = Number(containerEnv(objects, c).get(managementPortVariable(app as App)));
      for (const [kind, path] of [
        ['livenessProbe', '/health/live'],
        ['readinessProbe', '/health/ready'],
      ] as const) {
        const probe = c[kind]?.httpGet;
        if (!probe) {
          problems.push(`${id(deployment, c)}: no ${kind}`);
          continue;
        }
        if (probe.path !== path) problems.push(`${id(deployment, c)}: ${kind} on ${probe.path}, not ${path}`);
        const target = resolvePort(c, probe.port);
        if (target?.name !== 'management' || target.containerPort !== port) {
          problems.push(`${id(deployment, c)}: ${kind} on port ${probe.port}, not the management port ${port}`);
        }
      }
    }
  }
  return problems;
}

/** Non-root, read-only, no privilege, no capabilities, memory bounded; our images pin no uid. */
export function securityProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const pod = podSpec(w);
    if (pod?.hostNetwork || pod?.hostPID || pod?.hostIPC) problems.push(`${id(w)}: shares a host namespace`);
    for (const c of allContainersOf(w)) {
      const sc = c.securityContext ?? {};
      const nonRoot = sc.runAsNonRoot ?? pod?.securityContext?.runAsNonRoot;
      if (nonRoot !== true) problems.push(`${id(w, c)}: runAsNonRoot is not true`);
      if (sc.privileged) problems.push(`${id(w, c)}: privileged`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${id(w, c)}: allowPrivilegeEscalation is not false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${id(w, c)}: root filesystem is writable`);
      if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${id(w, c)}: capabilities not dropped`);
      if (sc.capabilities?.add?.length) problems.push(`${id(w, c)}: adds capabilities ${sc.capabilities.add.join(', ')}`);
      if (!c.resources?.requests?.memory || !c.resources?.limits?.memory) problems.push(`${id(w, c)}: memory not bounded`);
      // Our images say USER 1000; a pinned uid breaks platforms that assign one (OpenShift).
      const uid = sc.runAsUser ?? pod?.securityContext?.runAsUser;
      if (appOfImage(c.image) && uid !== undefined) problems.push(`${id(w, c)}: pins runAsUser ${uid}`);
    }
  }
  return problems;
}

type Route = { path: string; service: string; port: number | undefined; portName?: string };

/** The routes of every HTTPRoute and Ingress, resolved to Service names and ports. */
export function renderedRoutes(objects: K8sObject[]): { source: string; routes: Route[] }[] {
  const sources: { source: string; routes: Route[] }[] = [];
  for (const route of byKind(objects, 'HTTPRoute')) {
    const routes: Route[] = [];
    for (const rule of route.spec?.rules ?? []) {
      for (const match of rule.matches ?? [{}]) {
        const path =
          match.path?.type === 'PathPrefix' ? match.path.value : `${match.path?.type ?? 'PathPrefix'}:${match.path?.value ?? '/'}`;
        for (const backend of rule.backendRefs ?? []) routes.push({ path, service: backend.name, port: backend.port });
      }
    }
    sources.push({ source: `HTTPRoute/${route.metadata.name}`, routes });
  }
  for (const ingress of byKind(objects, 'Ingress')) {
    const routes: Route[] = [];
    for (const rule of ingress.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const path = p.pathType === 'Prefix' ? p.path : `${p.pathType}:${p.path}`;
        const port = p.backend?.service?.port ?? {};
        const service = named(objects, 'Service', p.backend?.service?.name);
        const number =
          port.number ?? ((service?.spec?.ports ?? []) as { name?: string; port: number }[]).find((sp) => sp.name === port.name)?.port;
        routes.push({ path, service: p.backend?.service?.name, port: number, portName: port.name });
      }
    }
    sources.push({ source: `Ingress/${ingress.metadata.name}`, routes });
  }
  return sources;
}

/**
 * Exactly gateway/routes.json: every prefix routed, nothing else; each backend a Service port that
 * reaches the app's API container port, never a management port, never the mailer.
 */
export function routeProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const sources = renderedRoutes(objects);
  if (sources.length === 0) problems.push('no HTTPRoute and no Ingress');
  const expected = readGatewayRoutes()
    .map((r) => `${r.prefix} -> ${r.upstream}`)
    .sort();
  for (const { source, routes } of sources) {
    const actual = routes.map((r) => `${r.path} -> ${r.service}`).sort();
    for (const missing of expected.filter((e) => !actual.includes(e))) problems.push(`${source}: unrouted ${missing}`);
    for (const extra of actual.filter((a) => !expected.includes(a)))
      problems.push(`${source}: routes ${extra}, which gateway/routes.json does not`);
    for (const route of routes) {
      const service = named(objects, 'Service', route.service);
      const servicePort = ((service?.spec?.ports ?? []) as { name?: string; port: number; targetPort?: string | number }[]).find(
        (p) => p.port === route.port,
      );
      if (!service || !servicePort) {
        problems.push(`${source}: ${route.path} -> ${route.service}:${route.port}, no such Service port`);
        continue;
      }
      // Which container port the Service port reaches, in the pods it selects.
      for (const d of byKind(objects, 'Deployment').filter((candidate) =>
        labelsMatch(service.spec?.selector, candidate.spec?.template?.metadata?.labels),
      )) {
        for (const c of containersOf(d)) {
          const target = resolvePort(c, servicePort.targetPort ?? servicePort.port);
          if (!target) continue;
          if (target.name !== 'http')
            problems.push(`${source}: ${route.path} reaches ${id(d, c)} port ${target.name ?? target.containerPort}, not its API port`);
          if (appOfImage(c.image) === 'mailer') problems.push(`${source}: ${route.path} reaches the mailer`);
        }
      }
      if (/^\/(metrics|health)\b/.test(route.path)) problems.push(`${source}: routes the management path ${route.path}`);
    }
  }
  return problems;
}

/** Each container gets exactly the documented variables its app reads; secrets only from a Secret. */
export function envProblems(objects: K8sObject[], opts: { requireSecrets: boolean }): string[] {
  const problems: string[] = [];
  const documented = new Set(readEnvExample().map((v) => v.name));
  const required = requiredEnv();
  for (const w of workloads(objects)) {
    for (const c of allContainersOf(w)) {
      const app = appOfImage(c.image) as App | undefined;
      if (!app) continue;
      const env = containerEnv(objects, c, problems, id(w, c));
      const readable = new Set([...required[app], ...(UNDOCUMENTED_ALLOWED[app] ?? [])]);
      for (const v of [...env.keys()].filter((name) => !documented.has(name))) problems.push(`${id(w, c)}: undocumented ${v}`);
      for (const v of [...required[app]].filter((name) => !env.has(name))) problems.push(`${id(w, c)}: misses ${v}`);
      for (const v of [...env.keys()].filter((name) => !readable.has(name))) problems.push(`${id(w, c)}: needlessly gets ${v}`);
      for (const v of [...env.keys()].filter(isSecretVar)) {
        if (!env.get(v)?.startsWith('<secret ')) problems.push(`${id(w, c)}: secret ${v} not from a Secret`);
      }
      for (const variable of c.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref || !opts.requireSecrets) continue;
        const secret = named(objects, 'Secret', ref.name);
        if (!Object.keys({ ...secret?.data, ...secret?.stringData }).includes(ref.key))
          problems.push(`${id(w, c)}: Secret ${ref.name} has no key ${ref.key}`);
      }
    }
  }
  for (const o of [...byKind(objects, 'ConfigMap'), ...byKind(objects, 'Secret')]) {
    if (o.metadata.name.startsWith('postgres-provision') || o.metadata.name === 'auth-platform-dashboard') continue;
    for (const key of Object.keys({ ...o.data, ...o.stringData })) {
      if (!documented.has(key)) problems.push(`${o.kind}/${o.metadata.name}: undocumented key ${key}`);
      if (o.kind === 'ConfigMap' && isSecretVar(key)) problems.push(`${o.kind}/${o.metadata.name}: secret ${key} in a ConfigMap`);
    }
  }
  return problems;
}

/**
 * Migrations order themselves: identity and profiles run `main.js migrate` in an init container, as
 * their schema's migrator role, before the app container starts; the app runs as its runtime role.
 * No Jobs (their pod templates are immutable).
 */
export function migrationProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const job of byKind(objects, 'Job')) problems.push(`${id(job)}: a Job (immutable template) instead of an init container`);
  for (const app of NEST_APPS) {
    const d = deploymentOf(objects, app);
    if (!d) continue;
    const migrate = initContainersOf(d).filter((c) => [...(c.command ?? []), ...(c.args ?? [])].includes('migrate'));
    const expected = (MIGRATING_APPS as readonly string[]).includes(app) ? 1 : 0;
    if (migrate.length !== expected) problems.push(`${id(d)}: ${migrate.length} migration init containers, expected ${expected}`);
    for (const c of migrate) {
      const command = [...(c.command ?? []), ...(c.args ?? [])];
      if (command.join(' ') !== `node ${entryOf(app)} migrate`) problems.push(`${id(d, c)}: runs ${command.join(' ')}`);
      if (appOfImage(c.image) !== app || c.image !== containersOf(d)[0]?.image) problems.push(`${id(d, c)}: not the app's own image`);
      if (containerEnv(objects, c).get('DB_USER') !== `${app}_migrator`) problems.push(`${id(d, c)}: does not migrate as ${app}_migrator`);
    }
    for (const c of containersOf(d)) {
      if ([...(c.command ?? []), ...(c.args ?? [])].includes('migrate')) problems.push(`${id(d, c)}: the app container migrates`);
      const user = containerEnv(objects, c).get('DB_USER');
      if (expected && user !== `${app}_app`) problems.push(`${id(d, c)}: connects as ${user}, not ${app}_app`);
    }
  }
  return problems;
}

/** Grace periods outlast preStop + the apps' own shutdown deadline. */
export function shutdownProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const app of NEST_APPS) {
    const d = deploymentOf(objects, app);
    if (!d) continue;
    const grace = podSpec(d).terminationGracePeriodSeconds ?? 30;
    for (const c of containersOf(d)) {
      const preStop = c.lifecycle?.preStop;
      const sleep = preStop?.sleep?.seconds ?? (preStop?.exec?.command?.[0] === 'sleep' ? Number(preStop.exec.command[1]) : 0);
      // After SIGTERM an API app keeps serving for SHUTDOWN_DRAIN_MS, then has its own deadline.
      const drain = app === 'mailer' ? 0 : Number(containerEnv(objects, c).get('SHUTDOWN_DRAIN_MS') ?? 0) / 1000;
      if (grace <= sleep + drain + APP_SHUTDOWN_DEADLINE_SECONDS) {
        problems.push(
          `${id(d, c)}: terminationGracePeriodSeconds ${grace} <= preStop ${sleep} s + drain ${drain} s + the app's ${APP_SHUTDOWN_DEADLINE_SECONDS} s`,
        );
      }
      if (app !== 'mailer' && sleep < 1) problems.push(`${id(d, c)}: no preStop pause before SIGTERM`);
    }
  }
  return problems;
}

/** Connections at a rollout peak, (replicas + maxSurge) x DB_POOL_SIZE per app, fit the budget. */
export function connectionPeak(objects: K8sObject[]): number {
  let peak = 0;
  for (const app of MIGRATING_APPS) {
    const d = deploymentOf(objects, app);
    if (!d) continue;
    const pool = Number(containerEnv(objects, containersOf(d)[0]).get('DB_POOL_SIZE'));
    const surge = d.spec?.strategy?.rollingUpdate?.maxSurge ?? 1;
    if (typeof surge !== 'number') throw new Error(`${id(d)}: maxSurge ${surge} must be a number for the pool arithmetic`);
    peak += ((d.spec?.replicas ?? 1) + surge) * pool;
  }
  return peak;
}

export function poolProblems(objects: K8sObject[]): string[] {
  const peak = connectionPeak(objects);
  return peak > APP_CONNECTION_BUDGET
    ? [`${peak} database connections at a rollout peak, more than the budget of ${APP_CONNECTION_BUDGET}`]
    : [];
}

/** http links with non-Secure cookies and a plain listener; https with Secure cookies and TLS. */
export function tlsProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const identity = deploymentOf(objects, 'identity');
  if (!identity) return ['identity: no Deployment'];
  const env = containerEnv(objects, containersOf(identity)[0]);
  const https = (env.get('PUBLIC_BASE_URL') ?? '').startsWith('https://');
  if (new URL(env.get('JWT_ISSUER') ?? 'x:').origin !== new URL(env.get('PUBLIC_BASE_URL') ?? 'x:').origin)
    problems.push('JWT_ISSUER is not under PUBLIC_BASE_URL');
  if (env.get('COOKIE_SECURE') !== String(https))
    problems.push(`PUBLIC_BASE_URL ${env.get('PUBLIC_BASE_URL')} with COOKIE_SECURE=${env.get('COOKIE_SECURE')}`);
  const host = new URL(env.get('PUBLIC_BASE_URL') ?? 'x:').hostname;
  for (const gateway of byKind(objects, 'Gateway')) {
    const listeners = (gateway.spec?.listeners ?? []) as { protocol: string; hostname?: string; tls?: unknown }[];
    if (!listeners.some((l) => l.protocol === (https ? 'HTTPS' : 'HTTP') && (!l.hostname || l.hostname === host))) {
      problems.push(`Gateway/${gateway.metadata.name}: no ${https ? 'HTTPS' : 'HTTP'} listener for ${host}`);
    }
  }
  for (const ingress of byKind(objects, 'Ingress')) {
    const tls = ((ingress.spec?.tls ?? []) as { hosts?: string[] }[]).some((t) => t.hosts?.includes(host));
    if (tls !== https) problems.push(`Ingress/${ingress.metadata.name}: TLS for ${host} is ${tls}, links are ${https ? 'https' : 'http'}`);
  }
  return problems;
}

/** The QUEUE_PREFIX and email queue name from the code: BullMQ 6 keeps waiting jobs in `<prefix>:<queue>:wait`. */
export function emailWaitList(): string {
  const prefix = /QUEUE_PREFIX\s*=\s*'([^']+)'/.exec(readRepoFile('libs/core/src/queue/queue.module.ts'))?.[1];
  const queue = /EMAIL:\s*'([^']+)'/.exec(readRepoFile('libs/contracts/src/queues.ts'))?.[1];
  if (!prefix || !queue) throw new Error('cannot read QUEUE_PREFIX or QUEUES.EMAIL from the code');
  return `${prefix}:${queue}:wait`;
}

/** The mailer is scaled by exactly one of the CPU HPA or a KEDA ScaledObject on its wait list. */
export function scalingProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const mailer = deploymentOf(objects, 'mailer');
  if (!mailer) return ['mailer: no Deployment'];
  if (mailer.spec?.replicas !== undefined) problems.push('Deployment/mailer: sets replicas, which its autoscaler owns');
  const hpas = byKind(objects, 'HorizontalPodAutoscaler').filter((h) => h.spec?.scaleTargetRef?.name === mailer.metadata.name);
  const scaled = byKind(objects, 'ScaledObject').filter((s) => s.spec?.scaleTargetRef?.name === mailer.metadata.name);
  if (hpas.length + scaled.length !== 1)
    problems.push(`mailer: ${hpas.length} HPAs and ${scaled.length} ScaledObjects, expected exactly one of them`);
  const env = containerEnv(objects, containersOf(mailer)[0]);
  for (const so of scaled) {
    for (const trigger of so.spec?.triggers ?? []) {
      const m = trigger.metadata ?? {};
      if (trigger.type !== 'redis') problems.push(`ScaledObject/${so.metadata.name}: trigger ${trigger.type}, not redis`);
      if (m.listName !== emailWaitList()) problems.push(`ScaledObject/${so.metadata.name}: watches ${m.listName}, not ${emailWaitList()}`);
      if (m.address !== `${env.get('REDIS_HOST')}:${env.get('REDIS_PORT')}`)
        problems.push(
          `ScaledObject/${so.metadata.name}: Redis ${m.address}, the mailer uses ${env.get('REDIS_HOST')}:${env.get('REDIS_PORT')}`,
        );
      if (String(m.databaseIndex ?? '0') !== env.get('REDIS_DB'))
        problems.push(`ScaledObject/${so.metadata.name}: database ${m.databaseIndex}, the mailer uses ${env.get('REDIS_DB')}`);
      const auth = named(objects, 'TriggerAuthentication', trigger.authenticationRef?.name);
      const password = (auth?.spec?.secretTargetRef ?? []).find((r: { parameter: string }) => r.parameter === 'password');
      if (`<secret ${password?.name}/${password?.key}>` !== env.get('REDIS_PASSWORD'))
        problems.push(`ScaledObject/${so.metadata.name}: not authenticated with the mailer's Redis password`);
    }
  }
  return problems;
}

/** Default deny, API ports only from the edge, management ports only from monitoring. */
export function networkPolicyProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const policies = byKind(objects, 'NetworkPolicy');
  const deny = policies.find(
    (p) =>
      Object.keys(p.spec?.podSelector ?? {}).length === 0 &&
      ['Ingress', 'Egress'].every((t) => p.spec?.policyTypes?.includes(t)) &&
      !p.spec?.ingress &&
      !p.spec?.egress,
  );
  if (!deny) problems.push('no default-deny NetworkPolicy (Ingress and Egress)');
  for (const app of NEST_APPS) {
    const d = deploymentOf(objects, app);
    if (!d) continue;
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const selects = (p: K8sObject) => {
      const sel = p.spec?.podSelector ?? {};
      const exprs = (sel.matchExpressions ?? []) as { key: string; operator: string; values: string[] }[];
      return (
        labelsMatch(sel.matchLabels ?? {}, labels) ||
        (exprs.length > 0 && exprs.every((e) => e.operator === 'In' && e.values.includes(labels[e.key])))
      );
    };
    for (const p of policies.filter(selects)) {
      for (const rule of (p.spec?.ingress ?? []) as { from?: any[]; ports?: { port?: string | number }[] }[]) {
        if (!rule.from?.length) problems.push(`NetworkPolicy/${p.metadata.name}: lets anyone reach ${app}`);
        for (const port of rule.ports ?? [{}]) {
          if (port.port === undefined) problems.push(`NetworkPolicy/${p.metadata.name}: opens every port of ${app}`);
          const fromMonitoringOnly = (rule.from ?? []).every(
            (f) => f.namespaceSelector?.matchLabels?.['auth-platform.io/monitoring'] === 'true' && !f.podSelector,
          );
          if (port.port === 'management' && !fromMonitoringOnly)
            problems.push(`NetworkPolicy/${p.metadata.name}: ${app}'s management port open beyond monitoring`);
        }
      }
    }
  }
  return problems;
}

/** Images come from a registry the overlay names, with a tag or digest; no Secret placeholders. */
export function imageAndSecretProblems(objects: K8sObject[], opts: { secretAllowed: boolean }): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    for (const c of allContainersOf(w)) {
      if (!appOfImage(c.image)) continue;
      if (!/^[^/]+[.:][^/]*\//.test(c.image)) problems.push(`${id(w, c)}: image ${c.image} names no registry`);
      if (!/[:@]/.test(c.image.split('/').pop() ?? '') || /:latest$/.test(c.image))
        problems.push(`${id(w, c)}: image ${c.image} has no pinned tag`);
    }
  }
  for (const secret of byKind(objects, 'Secret')) {
    if (!opts.secretAllowed)
      problems.push(`Secret/${secret.metadata.name}: production secrets come from the secret store, not the overlay`);
    for (const [key, value] of Object.entries({ ...secret.stringData, ...secret.data })) {
      const text = secret.stringData?.[key] ?? Buffer.from(value, 'base64').toString();
      if (/REPLACE_ME|change-?me|^$/i.test(text) && key !== 'SMTP_PASSWORD')
        problems.push(`Secret/${secret.metadata.name}: ${key} is a placeholder`);
    }
  }
  return problems;
}

// --- metrics ----------------------------------------------------------------------------------------

/** Metric names the code registers (prom-client), plus prom-client's default process metrics. */
export function exportedMetrics(): Set<string> {
  const names = new Set<string>();
  const scan = (dir: string) => {
    for (const entry of readdirRecursive(dir)) {
      if (!/\.ts$/.test(entry) || /\.spec\.ts$/.test(entry)) continue;
      const text = readFileSync(entry, 'utf8');
      for (const m of text.matchAll(/new (?:Counter|Gauge|Histogram|Summary)(?:<[^>]*>)?\(\{\s*name:\s*'([a-z_:][a-z0-9_:]*)'/g))
        names.add(m[1]);
    }
  };
  scan(join(ROOT, 'apps'));
  scan(join(ROOT, 'libs'));
  const defaults = join(ROOT, 'node_modules', 'prom-client', 'lib', 'metrics');
  for (const entry of readdirRecursive(defaults)) {
    for (const m of readFileSync(entry, 'utf8').matchAll(/'((?:process|nodejs)_[a-z0-9_]+)'/g)) names.add(m[1]);
  }
  return names;
}

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? readdirRecursive(path) : [path];
  });
}

/** The metric selectors of a PromQL expression: every `name{` (our queries always use braces). */
export function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]);
}

/** A histogram's series belong to its base name. */
const baseMetric = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

export function metricProblems(queries: { where: string; expr: string }[], exported: Set<string>): string[] {
  const problems: string[] = [];
  for (const { where, expr } of queries) {
    const used = metricsOf(expr);
    if (used.length === 0) problems.push(`${where}: names no metric as name{...}`);
    for (const name of used)
      if (!exported.has(name) && !exported.has(baseMetric(name))) problems.push(`${where}: ${name} is not exported by any app`);
  }
  return problems;
}

export function ruleQueries(objects: K8sObject[]): { where: string; expr: string }[] {
  return byKind(objects, 'PrometheusRule').flatMap((rule) =>
    (rule.spec?.groups ?? []).flatMap((g: { rules: { alert?: string; record?: string; expr: string }[] }) =>
      g.rules.map((r) => ({ where: `PrometheusRule ${r.alert ?? r.record}`, expr: r.expr })),
    ),
  );
}

export function dashboardQueries(dashboard: {
  panels?: { title: string; targets?: { expr?: string }[] }[];
}): { where: string; expr: string }[] {
  return (dashboard.panels ?? []).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `dashboard panel "${p.title}"`, expr: t.expr ?? '' })),
  );
}
