import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANAGEMENT_URL, ROOT } from '../harness/env.js';
import { dashboardQueries, metricsOf, ruleQueries } from './k8s-checks.js';
import { kustomize } from './kubernetes.js';

/**
 * The alerts and the Grafana dashboard (k8s/components/monitoring) against what the running apps
 * really expose on their management ports: every metric a query names is in some app's /metrics.
 */
const scrape = async (url: string) => {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
};

describe('monitoring queries name metrics the running apps expose', () => {
  it('every PrometheusRule and dashboard metric is in the /metrics of identity, profiles or the mailer', async () => {
    const expositions = await Promise.all([MANAGEMENT_URL.identity, MANAGEMENT_URL.profiles, MANAGEMENT_URL.mailer].map(scrape));
    const exposed = new Set(expositions.flatMap((text) => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1])));
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'k8s/components/monitoring/dashboards/auth-platform.json'), 'utf8'));
    const queries = [...ruleQueries(kustomize('k8s/overlays/prod')), ...dashboardQueries(dashboard)];
    const missing = queries.flatMap(({ where, expr }) =>
      metricsOf(expr)
        .filter((name) => !exposed.has(name) && !exposed.has(name.replace(/_(bucket|sum|count)$/, '')))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
    // Each app labels its series with `app`, which the alerts group by.
    for (const text of expositions) expect(text).toMatch(/\{[^}]*app="(identity|profiles|mailer)"/);
  });
});
