// @ts-check
/**
 * Two projects: `unit` (pure core and library units, no database) and `e2e` (the CLI and the module
 * against real PostgreSQL, one database per test file). Test files are transpiled one by one
 * (isolatedModules); `tsc --noEmit` does the type-check.
 * @type {import('jest').Config}
 */
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }],
    // NestJS 12 packages are ES modules; Jest needs them as CommonJS (see the transformer's comment).
    // So is GitHub's workflow parser (@actions/*), which test/deploy.e2e-spec.ts validates workflows with.
    '/node_modules/@(nestjs|actions)/.+\\.js$': '<rootDir>/test/support/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/|@actions/)'],
  // Tests import the library by its package name, as users do: npm workspaces link node_modules/nest-migrations
  // to libs/migrations, whose `exports` point at the compiled dist/ (built by `npm run build`).
  moduleNameMapper: {
    // @actions/* export their files for `import` only, a condition Jest's CommonJS resolver never matches.
    '^@actions/(workflow-parser|expressions)$': '<rootDir>/node_modules/@actions/$1/dist/index.js',
    '^@actions/(workflow-parser|expressions)/(.+)$': '<rootDir>/node_modules/@actions/$1/dist/$2.js',
    // Allow `./x.js` specifiers (node16 style) to resolve to `./x.ts`.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

module.exports = {
  // 2 cores on the dev and CI machines; e2e files each get their own database.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Per-project global hooks run only when a test of this project runs.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      // testTimeout is global-only in the config; the e2e 60 s timeout is set in this file.
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
  ],
};
