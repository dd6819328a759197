// Jest on Node >= 24.9 (scripts/ensure-node.sh): Nest 12 is ESM-only, so TypeScript is compiled
// to CommonJS by @swc/jest and the ESM packages load through require(esm) under
// --experimental-vm-modules. Two tiers: *.spec.ts next to the code (no I/O) and
// test/**/*.e2e-spec.ts against real PostgreSQL, Redis and SMTP with the apps as processes.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@app/(contracts|auth|core)$': '<rootDir>/libs/$1/src/index.ts',
  // a deep import names the compiled .js, as every relative import does
  '^@app/(contracts|auth|core)/(.*?)(\\.js)?$': '<rootDir>/libs/$1/src/$2',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': swc }, moduleNameMapper, setupFiles: ['reflect-metadata'] };

export default {
  rootDir: '.',
  // One worker: the e2e suites share one running stack and some of them stop parts of it.
  maxWorkers: 1,
  testTimeout: 60000,
  // undici keeps idle keep-alive sockets to the stack; they are not leaks of the code under test.
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'], testRegex: '.*\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testRegex: '.*\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
  ],
};
