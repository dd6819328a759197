/** Boundary rules (STYLE.md): apps never import apps; libs never import apps; no cycles. */
module.exports = {
  forbidden: [
    {
      name: 'app-imports-other-app',
      severity: 'error',
      comment: 'Apps talk over Redis queues, never by importing each other.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'lib-imports-app',
      severity: 'error',
      comment: 'libs/ hold contracts and plumbing; they never depend on an app.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'contracts-stay-pure',
      severity: 'error',
      comment: 'The contracts library is imported by every app; it depends on no other lib.',
      from: { path: '^libs/contracts/' },
      to: { path: '^libs/(core|auth)/' },
    },
    {
      name: 'identity-core-not-to-api',
      severity: 'error',
      comment: 'The domain core never imports a front door (api/), the module wiring or the OpenAPI document.',
      from: { path: '^apps/identity/src/core/' },
      to: { path: '^apps/identity/src/(api/|openapi/|identity\\.module|main)' },
    },
    {
      name: 'identity-api-not-to-other-api',
      severity: 'error',
      comment: 'Front doors (api/insforge, api/gorb, api/email, …) never import each other; what they share lives in core/.',
      from: { path: '^apps/identity/src/api/([^/]+)/' },
      to: { path: '^apps/identity/src/api/([^/]+)/', pathNot: '^apps/identity/src/api/$1/' },
    },
    {
      name: 'identity-no-folder-cycles',
      severity: 'error',
      comment: 'No folder of identity imports one that imports it back (directly or around a loop).',
      scope: 'folder',
      from: { path: '^apps/identity/src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
