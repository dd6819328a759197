/**
 * Offline checks of the kustomize tree: every overlay is rendered with `kubectl kustomize` and
 * every object validated (Kubernetes, Gateway API, KEDA and Prometheus Operator schemas), then held
 * to the rules in k8s-checks.ts. The second half breaks rendered copies on purpose and expects the
 * same checks to object, so none of them can pass vacuously. Needs `kubectl` on PATH.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_CONNECTION_BUDGET,
  connectionPeak,
  containerEnv,
  containersOf,
  dashboardQueries,
  deploymentOf,
  emailWaitList,
  envProblems,
  exportedMetrics,
  imageAndSecretProblems,
  metricProblems,
  migrationProblems,
  networkPolicyProblems,
  poolProblems,
  probeProblems,
  routeProblems,
  ruleQueries,
  scalingProblems,
  schemaProblems,
  securityProblems,
  shutdownProblems,
  tlsProblems,
  workloads,
} from './k8s-checks.js';
import { byKind, type K8sObject, kustomize, named, podSpec } from './kubernetes.js';
import { readRepoFile, ROOT } from './repo-files.js';

const OVERLAYS = {
  dev: { secretAllowed: true, autoscaler: 'HorizontalPodAutoscaler', entry: 'HTTPRoute' },
  prod: { secretAllowed: false, autoscaler: 'ScaledObject', entry: 'HTTPRoute' },
  'prod-ingress': { secretAllowed: false, autoscaler: 'ScaledObject', entry: 'Ingress' },
} as const;
type Overlay = keyof typeof OVERLAYS;
const render = (overlay: Overlay) => kustomize(`k8s/overlays/${overlay}`);

describe.each(Object.keys(OVERLAYS) as Overlay[])('k8s/overlays/%s', (overlay) => {
  const opts = OVERLAYS[overlay];

  it('renders into one namespace, labelled for the restricted Pod Security Standard', () => {
    const objects = render(overlay);
    const namespaces = byKind(objects, 'Namespace');
    expect(namespaces).toHaveLength(1);
    expect(namespaces[0].metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const elsewhere = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespaces[0].metadata.name);
    expect(elsewhere.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it('validates every object against its schema (Kubernetes, Gateway API, KEDA, Prometheus Operator)', () => {
    expect(schemaProblems(render(overlay))).toEqual([]);
  });

  it.each([
    ['probes on the management port', probeProblems],
    ['non-root, read-only, unprivileged, bounded containers; no pinned uid', securityProblems],
    ['routes exactly gateway/routes.json, API ports only', routeProblems],
    ['migrations in init containers, as the migrator role', migrationProblems],
    ['grace periods longer than preStop + the apps’ deadline', shutdownProblems],
    ['pools that fit max_connections at a rollout peak', poolProblems],
    ['http/https, cookies and listeners that match', tlsProblems],
    ['the mailer scaled by one autoscaler on the right queue', scalingProblems],
    ['default-deny NetworkPolicies', networkPolicyProblems],
  ])('%s', (_, check) => {
    expect(check(render(overlay))).toEqual([]);
  });

  it('gives every container exactly the documented variables its app reads, secrets from the Secret', () => {
    expect(envProblems(render(overlay), { requireSecrets: opts.secretAllowed })).toEqual([]);
  });

  it(`images from the overlay's registry; ${opts.secretAllowed ? 'a generated Secret' : 'no Secret object'}`, () => {
    expect(imageAndSecretProblems(render(overlay), opts)).toEqual([]);
    expect(byKind(render(overlay), 'Secret')).toHaveLength(opts.secretAllowed ? 1 : 0);
  });

  it(`comes in through ${opts.entry} and scales the mailer with ${opts.autoscaler}`, () => {
    const objects = render(overlay);
    expect(byKind(objects, opts.entry)).toHaveLength(1);
    expect(byKind(objects, opts.entry === 'Ingress' ? 'HTTPRoute' : 'Ingress')).toHaveLength(0);
    expect(byKind(objects, opts.autoscaler)).toHaveLength(1);
  });

  it('points profiles at identity JWKS through the identity Service', () => {
    const objects = render(overlay);
    const env = containerEnv(objects, containersOf(deploymentOf(objects, 'profiles')!)[0]);
    const url = new URL(env.get('JWKS_URL') ?? 'missing:');
    const identity = named(objects, 'Service', 'identity');
    expect(`${url.hostname.split('.')[0]}:${url.port}${url.pathname}`).toBe(
      `identity:${identity?.spec?.ports?.[0]?.port}/.well-known/jwks.json`,
    );
  });
});

describe('k8s overlays: specifics', () => {
  it('dev brings its own PostgreSQL (provisioned with the same SQL as the scripts), Redis and Mailpit', () => {
    const objects = render('dev');
    expect(byKind(objects, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['postgres']);
    expect(
      byKind(objects, 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['identity', 'mailer', 'mailpit', 'profiles', 'redis']);
    expect(readRepoFile('k8s/overlays/dev/data/provision-db.sql')).toBe(readRepoFile('scripts/provision-db.sql'));
    const env = containerEnv(objects, containersOf(deploymentOf(objects, 'identity')!)[0]);
    expect([env.get('DB_HOST'), env.get('REDIS_HOST')]).toEqual(['postgres', 'redis']);
    expect(containerEnv(objects, containersOf(deploymentOf(objects, 'mailer')!)[0]).get('SMTP_HOST')).toBe('mailpit');
  });

  it('the dev secrets come from the documented generator, not from git', () => {
    expect(readRepoFile('.gitignore').split('\n')).toContain('k8s/overlays/dev/secrets.env');
    const secret = byKind(render('dev'), 'Secret')[0];
    const value = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString();
    expect(value('ANON_KEY')).toMatch(/^anon_[0-9a-f]{64}$/);
    expect(value('AUTH_HMAC_SECRET').length).toBeGreaterThanOrEqual(32);
  });

  it(`prod's rollout peak is ${APP_CONNECTION_BUDGET} connections or fewer (the deployment guide shows the sum)`, () => {
    expect(connectionPeak(render('prod'))).toBe(72);
  });

  it(`KEDA watches BullMQ's wait list of the email queue (${emailWaitList()})`, () => {
    const [so] = byKind(render('prod'), 'ScaledObject');
    expect(so.spec.triggers[0].metadata.listName).toBe(emailWaitList());
  });

  it('every alert and dashboard query names metrics the apps export', () => {
    const exported = exportedMetrics();
    expect(exported.has('http_requests_total')).toBe(true);
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'k8s/components/monitoring/dashboards/auth-platform.json'), 'utf8'));
    const queries = [...ruleQueries(render('prod')), ...dashboardQueries(dashboard)];
    expect(queries.length).toBeGreaterThan(10);
    expect(metricProblems(queries, exported)).toEqual([]);
    // ...and the dashboard ships: a ConfigMap the Grafana sidecar picks up.
    const configMap = named(render('prod'), 'ConfigMap', 'auth-platform-dashboard');
    expect(configMap?.metadata.labels?.grafana_dashboard).toBe('1');
  });
});

// ---------------------------------------------------------------------------------------------------
// Deliberately broken manifests: each check must notice.
// ---------------------------------------------------------------------------------------------------

const mutate = (overlay: Overlay, change: (objects: K8sObject[]) => void) => {
  const objects = render(overlay); // a fresh copy every time
  change(objects);
  return objects;
};
const identityOf = (objects: K8sObject[]) => deploymentOf(objects, 'identity')!;

describe('k8s checks reject broken manifests', () => {
  it('a Deployment without a readiness probe', () => {
    const broken = mutate('prod', (o) => delete containersOf(identityOf(o))[0].readinessProbe);
    expect(probeProblems(broken)).toEqual(['Deployment/identity/identity: no readinessProbe']);
  });

  it('a readiness probe on the API port', () => {
    const broken = mutate('dev', (o) => {
      containersOf(identityOf(o))[0].readinessProbe!.httpGet!.port = 'http';
    });
    expect(probeProblems(broken)).toEqual(['Deployment/identity/identity: readinessProbe on port http, not the management port 9001']);
  });

  it('an unrouted path (HTTPRoute)', () => {
    const broken = mutate('prod', (o) => {
      const route = byKind(o, 'HTTPRoute')[0];
      route.spec.rules[1].matches = route.spec.rules[1].matches.filter((m: { path: { value: string } }) => m.path.value !== '/v1');
    });
    expect(routeProblems(broken)).toEqual(['HTTPRoute/auth-platform: unrouted /v1 -> identity']);
  });

  it('an unrouted path (Ingress)', () => {
    const broken = mutate('prod-ingress', (o) => {
      const paths = byKind(o, 'Ingress')[0].spec.rules[0].http.paths;
      paths.splice(
        paths.findIndex((p: { path: string }) => p.path === '/api/auth/profiles'),
        1,
      );
    });
    expect(routeProblems(broken)).toEqual(['Ingress/auth-platform: unrouted /api/auth/profiles -> profiles']);
  });

  it('a routed management path or port', () => {
    const broken = mutate('prod', (o) => {
      byKind(o, 'HTTPRoute')[0].spec.rules.push({
        matches: [{ path: { type: 'PathPrefix', value: '/metrics' } }],
        backendRefs: [{ name: 'identity-metrics', port: 9001 }],
      });
    });
    expect(routeProblems(broken)).toEqual([
      'HTTPRoute/auth-platform: routes /metrics -> identity-metrics, which gateway/routes.json does not',
      'HTTPRoute/auth-platform: /metrics reaches Deployment/identity/identity port management, not its API port',
      'HTTPRoute/auth-platform: routes the management path /metrics',
    ]);
    const viaIngress = mutate('prod-ingress', (o) => {
      const path = byKind(o, 'Ingress')[0].spec.rules[0].http.paths.find((p: { path: string }) => p.path === '/v1');
      path.backend.service = { name: 'identity-metrics', port: { name: 'metrics' } };
    });
    expect(routeProblems(viaIngress)).toEqual([
      'Ingress/auth-platform: unrouted /v1 -> identity',
      'Ingress/auth-platform: routes /v1 -> identity-metrics, which gateway/routes.json does not',
      'Ingress/auth-platform: /v1 reaches Deployment/identity/identity port management, not its API port',
    ]);
  });

  it('a missing variable', () => {
    const broken = mutate('prod', (o) => {
      const http = byKind(o, 'ConfigMap').find((c) => c.metadata.name.startsWith('auth-http'))!;
      delete http.data!.JWT_ISSUER;
    });
    expect(envProblems(broken, { requireSecrets: false })).toEqual([
      'Deployment/identity/migrate: misses JWT_ISSUER',
      'Deployment/identity/identity: misses JWT_ISSUER',
      'Deployment/profiles/migrate: misses JWT_ISSUER',
      'Deployment/profiles/profiles: misses JWT_ISSUER',
    ]);
  });

  it('a secret in a ConfigMap, and a Secret key the dev generator does not make', () => {
    const broken = mutate('dev', (o) => {
      byKind(o, 'ConfigMap').find((c) => c.metadata.name.startsWith('identity-config'))!.data!.ANON_KEY = 'anon_' + '0'.repeat(64);
      delete byKind(o, 'Secret')[0].data!.AUTH_HMAC_SECRET;
    });
    const problems = envProblems(broken, { requireSecrets: true });
    expect(problems).toContain('Deployment/identity/identity: ANON_KEY is set by two sources');
    expect(problems).toContain(
      `Deployment/identity/identity: Secret ${byKind(broken, 'Secret')[0].metadata.name} has no key AUTH_HMAC_SECRET`,
    );
    expect(problems).toContain(
      `ConfigMap/${byKind(broken, 'ConfigMap').find((c) => c.metadata.name.startsWith('identity-config'))!.metadata.name}: secret ANON_KEY in a ConfigMap`,
    );
  });

  it('a privileged container, a root one, a pinned uid', () => {
    const broken = mutate('prod', (o) => {
      const [container] = containersOf(identityOf(o));
      container.securityContext = { ...container.securityContext, privileged: true, allowPrivilegeEscalation: true };
      podSpec(deploymentOf(o, 'profiles')!).securityContext.runAsUser = 1000;
      containersOf(deploymentOf(o, 'mailer')!)[0].securityContext!.runAsNonRoot = false;
    });
    expect(securityProblems(broken)).toEqual([
      'Deployment/identity/identity: privileged',
      'Deployment/identity/identity: allowPrivilegeEscalation is not false',
      'Deployment/mailer/mailer: runAsNonRoot is not true',
      'Deployment/profiles/migrate: pins runAsUser 1000',
      'Deployment/profiles/profiles: pins runAsUser 1000',
    ]);
  });

  it('a migration Job instead of the init container, or an app that migrates as its runtime role', () => {
    const broken = mutate('prod', (o) => {
      const d = identityOf(o);
      o.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'identity-migrate', namespace: 'auth-platform' },
        spec: { template: d.spec.template },
      });
      podSpec(d).initContainers[0].env.find((e: { name: string }) => e.name === 'DB_USER').value = 'identity_app';
    });
    expect(migrationProblems(broken)).toEqual([
      'Job/identity-migrate: a Job (immutable template) instead of an init container',
      'Deployment/identity/migrate: does not migrate as identity_migrator',
    ]);
  });

  it('a grace period the app would outlive, and pools past the budget', () => {
    const broken = mutate('prod', (o) => {
      podSpec(identityOf(o)).terminationGracePeriodSeconds = 30;
      identityOf(o).spec.replicas = 6;
    });
    expect(shutdownProblems(broken)).toEqual([
      "Deployment/identity/identity: terminationGracePeriodSeconds 30 <= preStop 5 s + drain 5 s + the app's 25 s",
    ]);
    expect(poolProblems(broken)).toEqual([`108 database connections at a rollout peak, more than the budget of ${APP_CONNECTION_BUDGET}`]);
  });

  it('Secure cookies over plain http', () => {
    const broken = mutate('dev', (o) => {
      byKind(o, 'ConfigMap').find((c) => c.metadata.name.startsWith('identity-config'))!.data!.COOKIE_SECURE = 'true';
    });
    expect(tlsProblems(broken)).toEqual(['PUBLIC_BASE_URL http://auth.dev.localhost with COOKIE_SECURE=true']);
  });

  it('both autoscalers at once, or KEDA on the wrong list', () => {
    const both = mutate('prod', (o) => {
      o.push({ ...byKind(render('dev'), 'HorizontalPodAutoscaler')[0] });
    });
    expect(scalingProblems(both)).toEqual(['mailer: 1 HPAs and 1 ScaledObjects, expected exactly one of them']);
    const wrongList = mutate('prod', (o) => {
      byKind(o, 'ScaledObject')[0].spec.triggers[0].metadata.listName = 'bull:email:wait';
    });
    expect(scalingProblems(wrongList)).toEqual([`ScaledObject/mailer: watches bull:email:wait, not ${emailWaitList()}`]);
  });

  it('a management port opened to everyone, or no default deny', () => {
    const broken = mutate('prod', (o) => {
      const policy = named(o, 'NetworkPolicy', 'management-from-monitoring')!;
      policy.spec.ingress[0].from.push({ podSelector: {} });
      o.splice(o.indexOf(named(o, 'NetworkPolicy', 'default-deny')!), 1);
    });
    expect(networkPolicyProblems(broken)).toEqual([
      'no default-deny NetworkPolicy (Ingress and Egress)',
      "NetworkPolicy/management-from-monitoring: identity's management port open beyond monitoring",
      "NetworkPolicy/management-from-monitoring: profiles's management port open beyond monitoring",
      "NetworkPolicy/management-from-monitoring: mailer's management port open beyond monitoring",
    ]);
  });

  it('a placeholder Secret in production, an image without registry', () => {
    const broken = mutate('prod', (o) => {
      o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'auth-platform-secrets' }, stringData: { ANON_KEY: 'REPLACE_ME' } });
      containersOf(identityOf(o))[0].image = 'auth-platform/identity:0.1.0';
    });
    expect(imageAndSecretProblems(broken, { secretAllowed: false })).toEqual([
      'Deployment/identity/identity: image auth-platform/identity:0.1.0 names no registry',
      'Secret/auth-platform-secrets: production secrets come from the secret store, not the overlay',
      'Secret/auth-platform-secrets: ANON_KEY is a placeholder',
    ]);
  });

  it('an object the schemas refuse (a Gateway API route with a bad path type)', () => {
    const broken = mutate('prod', (o) => {
      byKind(o, 'HTTPRoute')[0].spec.rules[0].matches[0].path.type = 'Glob';
    });
    expect(schemaProblems(broken).join('\n')).toMatch(/^HTTPRoute\/auth-platform: .*(type|Glob)/);
  });

  it('an alert on a metric no app exports', () => {
    expect(metricProblems([{ where: 'alert X', expr: 'rate(auth_logins_total{}[5m]) > 1' }], exportedMetrics())).toEqual([
      'alert X: auth_logins_total is not exported by any app',
    ]);
  });

  it('every workload is checked, including the dev data stores', () => {
    expect(workloads(render('dev')).length).toBe(6);
  });
});
