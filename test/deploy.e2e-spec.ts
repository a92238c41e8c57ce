/**
 * The deployment kit (deploy/, docs/deploy.md), checked without a cluster or a Docker engine:
 * - deploy/Dockerfile parsed (dockerfile-ast): stages, user, entry, what it copies; the emulator that
 *   test/verify-image.js builds and runs it with, proven on a small fixture image;
 * - every Kubernetes manifest, and the Helm chart's templates rendered with its values, validated against
 *   the Kubernetes API's schemas and types (kubernetes-models), and the rules a cluster would enforce;
 * - the GitHub Actions workflow, parsed and validated by GitHub's own workflow parser.
 * The full image emulation (npm ci, build, migrate, serve) takes a minute: `node test/verify-image.js`.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './support/cli';
import { renderChart, renderTemplate } from './support/helm-render';
import { validateManifests, type Manifest } from './support/kubernetes-validation';

// CommonJS with JSDoc types, so that `node test/verify-image.js` runs it without a compiler.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const emulator = require('./support/dockerfile-emulator') as {
  parseDockerfile(text: string): { args: Record<string, string>; stages: { name: string | null; image: string; steps: Step[] }[] };
  dockerignore(text: string): { ignores(path: string): boolean };
  build(options: { dockerfile: string; context: string; workDir: string }): Image;
  runImage(image: Image, args: string[], options?: { env?: Record<string, string> }): import('node:child_process').ChildProcess;
  userIds(user: string): [number, number];
};
interface Step {
  keyword: string;
  args: string[];
  content: string;
  flags: Record<string, string | null>;
  json: string[] | null;
  properties: [string, string][];
}
interface Image {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  entrypoint: string[];
  cmd: string[];
}

const DEPLOY = join(REPO_ROOT, 'deploy');
const KUBERNETES = join(DEPLOY, 'kubernetes');
const CHART = join(KUBERNETES, 'helm', 'app');

describe('deploy/Dockerfile', () => {
  const dockerfile = emulator.parseDockerfile(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'));
  const [build, runtime] = dockerfile.stages;
  const steps = (keyword: string, stage = runtime) => stage.steps.filter((s) => s.keyword === keyword);

  it('has two stages: build, then a runtime stage that copies only from it', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(build.image).toBe(runtime.image);
    expect(build.image).toMatch(/^node:\d+-\S+-slim$/);
    expect(steps('COPY').map((s) => s.flags.from)).toEqual(steps('COPY').map(() => 'build'));
    expect(steps('RUN')).toEqual([]);
  });

  it('installs, builds the library then the app, then drops the dev dependencies', () => {
    const runs = steps('RUN', build).map((s) => s.content);
    expect(runs).toEqual([expect.stringMatching(/^npm ci\b/), 'npm run build', expect.stringMatching(/^npm prune --omit=dev\b/)]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.build).toMatch(/-w nest-migrations.*&&/);
  });

  it('copies the manifests (every workspace’s too) before the sources, so that the install layer survives a source change', () => {
    const install = build.steps.findIndex((s) => s.keyword === 'RUN' && s.content.startsWith('npm ci'));
    const sourcesAt = build.steps.findIndex((s) => s.keyword === 'COPY' && s.args[0] === '.');
    expect(install).toBeLessThan(sourcesAt);
    const beforeInstall = build.steps.slice(0, install).filter((s) => s.keyword === 'COPY').flatMap((s) => s.args.slice(0, -1));
    const { workspaces } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
    expect(beforeInstall.sort()).toEqual(['package-lock.json', 'package.json', ...workspaces.map((w) => `${w}/package.json`)].sort());
  });

  it('every file the build copies from the context exists and is not excluded by .dockerignore', () => {
    const ignore = emulator.dockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
    for (const copy of steps('COPY', build)) {
      for (const source of copy.args.slice(0, -1).filter((s) => s !== '.')) {
        expect({ source, exists: existsInRepo(source), ignored: ignore.ignores(source) }).toEqual({ source, exists: true, ignored: false });
      }
    }
  });

  it('runs `node dist/main.js` as the non-root node user with NODE_ENV=production; `docker run IMAGE db migrate` appends', () => {
    expect(steps('USER').map((s) => s.content)).toEqual(['node']);
    expect(emulator.userIds('node')[0]).not.toBe(0);
    expect(Object.fromEntries(steps('ENV').flatMap((s) => s.properties))).toMatchObject({ NODE_ENV: 'production' });
    // Exec-form ENTRYPOINT and no CMD: arguments after the image name are the command's arguments.
    expect(steps('ENTRYPOINT').map((s) => s.json)).toEqual([['node', 'dist/main.js']]);
    expect(steps('CMD')).toEqual([]);
    const port = Object.fromEntries(steps('ENV').flatMap((s) => s.properties)).PORT;
    expect(steps('EXPOSE').flatMap((s) => s.args)).toEqual([port]);
  });

  it('.dockerignore keeps local secrets, installed modules and build output out of the context', () => {
    const ignore = emulator.dockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
    for (const path of ['.env', '.env.production', 'node_modules/pg/index.js', 'libs/migrations/node_modules/x', 'dist/main.js', 'libs/migrations/dist/index.js', '.git/config', '.data/pglite/PG_VERSION']) {
      expect({ path, ignored: ignore.ignores(path) }).toEqual({ path, ignored: true });
    }
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'nest-cli.json', 'src/main.ts', 'migrations', 'libs/migrations/src/index.ts', 'libs/migrations/package.json', 'libs/migrations/tsconfig.build.json']) {
      expect({ path, ignored: ignore.ignores(path) }).toEqual({ path, ignored: false });
    }
  });
});

describe('the Dockerfile emulator (test/verify-image.js builds deploy/Dockerfile with it)', () => {
  const context = join(REPO_ROOT, 'test', 'fixtures', 'docker-context');
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'docker-emulator-'));
    chmodSync(workDir, 0o755); // the image's user must reach the stages inside (mkdtemp makes it 0700)
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('builds as Docker would: .dockerignore honoured, files copied between stages; runs as the USER, arguments appended', async () => {
    const image = emulator.build({ dockerfile: join(context, 'Dockerfile'), context, workDir: join(workDir, 'fixture') });
    const output = await run(image, ['db', 'migrate']);
    expect(JSON.parse(output)).toEqual({
      uid: process.getuid!() === 0 ? 1000 : process.getuid!(),
      cwd: join(image.root, 'srv'),
      greeting: 'hello',
      args: ['db', 'migrate'],
      context: ['.dockerignore', 'Dockerfile', 'ignored/kept.txt', 'tools/build.js'],
    });
  });

  it('refuses what it cannot emulate without touching the host: an absolute path, a system command', () => {
    const dockerfile = join(workDir, 'Dockerfile.host');
    writeFileSync(dockerfile, 'FROM node:22-bookworm-slim\nWORKDIR /app\nRUN rm -rf /app/cache\n');
    expect(() => emulator.build({ dockerfile, context, workDir: join(workDir, 'absolute') })).toThrow(/line 3 RUN: absolute path \/app\/cache/);
    writeFileSync(dockerfile, 'FROM node:22-bookworm-slim\nRUN npm --version && apt-get install -y curl\n');
    expect(() => emulator.build({ dockerfile, context, workDir: join(workDir, 'system') })).toThrow(/line 2 RUN: `apt-get` would run on the host/);
  });
});

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const files = readdirSync(KUBERNETES).filter((name) => name.endsWith('.yaml'));
  const manifests = files.flatMap((file) => loadYaml(readFileSync(join(KUBERNETES, file), 'utf8'), file));
  const rendered = [...renderChart(CHART, { name: 'shop', namespace: 'default' })].flatMap(([file, text]) => loadYaml(text, `helm/app/templates/${file}`));
  const byName = (source: string) => [...manifests, ...rendered].find((m) => m.source.startsWith(source))!.object;

  // Malformed copies of the kit's own manifests: each must be caught.
  const job = byName('migrate-job.yaml');
  const malformed: Manifest[] = [
    { source: 'negative: a field of the wrong type', object: withPath(job, ['spec', 'backoffLimit'], 'two') },
    { source: 'negative: a misspelt field', object: renameKey(job, ['spec'], 'activeDeadlineSeconds', 'activeDeadlineSecond') },
    { source: 'negative: a value outside the enum', object: withPath(job, ['spec', 'podFailurePolicy', 'rules', 0, 'action'], 'Retry') },
    { source: 'negative: a misspelt field deep in the pod', object: renameKey(job, ['spec', 'template', 'spec', 'containers', 0], 'args', 'arg') },
    { source: 'negative: an unknown kind', object: { ...job, apiVersion: 'batch/v2' } },
  ];
  let problems: Map<string, string[]>;
  beforeAll(() => {
    problems = validateManifests([...manifests, ...rendered, ...malformed]);
  });

  it('covers every file: the Job, three Deployment variants, the Service, and the chart', () => {
    expect(files.sort()).toEqual(['deployment-init-container.yaml', 'deployment-run-on-boot.yaml', 'deployment.yaml', 'migrate-job.yaml', 'service.yaml']);
    expect(rendered.map((m) => `${m.source} ${m.object.kind}`)).toEqual([
      'helm/app/templates/deployment.yaml#0 Deployment',
      'helm/app/templates/migrate-job.yaml#0 Job',
      'helm/app/templates/service.yaml#0 Service',
    ]);
  });

  it('every manifest and rendered template is valid against the Kubernetes API schemas and types', () => {
    const found = Object.fromEntries([...manifests, ...rendered].map((m) => [m.source, problems.get(m.source)]));
    expect(found).toEqual(Object.fromEntries([...manifests, ...rendered].map((m) => [m.source, []])));
  });

  it('a malformed field fails validation, whether schemas or types catch it', () => {
    expect(problems.get('negative: a field of the wrong type')).toEqual([expect.stringContaining('backoffLimit must be integer'), expect.stringContaining("not assignable to type 'number'")]);
    expect(problems.get('negative: a misspelt field')).toEqual([expect.stringMatching(/'"?activeDeadlineSecond"?' does not exist in type/)]);
    expect(problems.get('negative: a value outside the enum')).toEqual([
      expect.stringContaining('action must be equal to one of the allowed values'),
      expect.stringContaining('"Retry"'),
    ]);
    expect(problems.get('negative: a misspelt field deep in the pod')).toEqual([expect.stringMatching(/'"?arg"?' does not exist in type/)]);
    expect(problems.get('negative: an unknown kind')).toEqual([expect.stringContaining('no model for batch/v2 Job')]);
  });

  describe.each([
    ['migrate-job.yaml', 'plain'],
    ['helm/app/templates/migrate-job.yaml', 'Helm hook'],
  ])('the migration Job (%s)', (source) => {
    const spec = () => byName(source).spec;
    const container = () => spec().template.spec.containers[0];

    it('runs `db migrate` from the app image, with DATABASE_URL from a Secret', () => {
      expect(container().args).toEqual(['db', 'migrate']);
      expect(container().env).toEqual(
        expect.arrayContaining([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'app-database', key: 'DATABASE_URL' } } }]),
      );
      expect(container().env.find((e: any) => e.name === 'MIGRATIONS_DATABASE_URL').valueFrom.secretKeyRef).toMatchObject({ optional: true });
    });

    it('retries a failure (exit 1) a bounded number of times, fails at once on a refusal (exit 2), within a deadline', () => {
      expect(spec().backoffLimit).toBeGreaterThanOrEqual(1);
      expect(spec().activeDeadlineSeconds).toBeGreaterThan(0);
      // podFailurePolicy needs restartPolicy Never; the API server refuses it otherwise.
      expect(spec().template.spec.restartPolicy).toBe('Never');
      expect(spec().podFailurePolicy.rules[0]).toEqual({
        action: 'FailJob',
        onExitCodes: { containerName: container().name, operator: 'In', values: [2] },
      });
    });

    it('runs as the image user (uid 1000, not root) on a read-only root filesystem with a writable /tmp', () => {
      expectNonRoot(spec().template.spec, container());
    });
  });

  it('the Helm hook runs before install and upgrade, and replaces the previous release’s Job', () => {
    const annotations = byName('helm/app/templates/migrate-job.yaml').metadata.annotations;
    expect(annotations['helm.sh/hook'].split(',')).toEqual(['pre-install', 'pre-upgrade']);
    expect(annotations['helm.sh/hook-delete-policy'].split(',')).toEqual(expect.arrayContaining(['before-hook-creation']));
  });

  it('the chart renders only the templating its test renderer supports', () => {
    expect(() => renderTemplate('name: {{ include "app.name" . }}', {})).toThrow(/outside the templating/);
    expect(() => renderTemplate('name: {{ .Values.missing }}', { Values: {} })).toThrow(/no scalar value/);
  });

  describe.each([
    ['deployment.yaml'],
    ['deployment-init-container.yaml'],
    ['deployment-run-on-boot.yaml'],
    ['helm/app/templates/deployment.yaml'],
  ])('the Deployment (%s)', (source) => {
    const pod = () => byName(source).spec.template.spec;
    const app = () => pod().containers.find((c: any) => c.name === 'app');

    it('is ready on /health and alive on /health/live, on the port the app listens on', () => {
      const port = app().ports.find((p: any) => p.name === 'http');
      expect(app().env.find((e: any) => e.name === 'PORT').value).toBe(String(port.containerPort));
      expect(app().readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(app().livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    });

    it('selects its own pods, without a rollout that drops below the replica count', () => {
      const deployment = byName(source);
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    });

    it('runs as the image user on a read-only root filesystem', () => {
      for (const container of [...(pod().initContainers ?? []), ...pod().containers]) expectNonRoot(pod(), container);
    });
  });

  it('the init-container variant migrates before the app container starts; the run-on-boot variant waits for it with a startup probe', () => {
    const init = byName('deployment-init-container.yaml').spec.template.spec;
    expect(init.initContainers.map((c: any) => [c.name, c.args, c.image])).toEqual([['migrate', ['db', 'migrate'], init.containers[0].image]]);
    expect(init.containers[0].env.map((e: any) => e.name)).not.toContain('MIGRATE_ON_BOOT');
    const boot = byName('deployment-run-on-boot.yaml').spec.template.spec.containers[0];
    expect(boot.env).toEqual(expect.arrayContaining([{ name: 'MIGRATE_ON_BOOT', value: 'true' }]));
    expect(boot.startupProbe.periodSeconds * boot.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  it.each([['service.yaml', 'deployment.yaml'], ['helm/app/templates/service.yaml', 'helm/app/templates/deployment.yaml']])(
    '%s routes to the pods of %s, on their http port',
    (service, deployment) => {
      const spec = byName(service).spec;
      const template = byName(deployment).spec.template;
      expect(template.metadata.labels).toMatchObject(spec.selector);
      expect(template.spec.containers[0].ports.map((p: any) => p.name)).toContain(spec.ports[0].targetPort);
    },
  );
});

describe('the example CI workflow (deploy/github/workflows/migrations.yml)', () => {
  const file = join(DEPLOY, 'github', 'workflows', 'migrations.yml');
  const content = readFileSync(file, 'utf8');

  it('is valid for GitHub Actions (GitHub’s workflow parser and schema)', async () => {
    expect(await workflowErrors(content)).toEqual([]);
  });

  it('a malformed workflow fails the same validation', async () => {
    const misspelt = content.replace('timeout-minutes: 20', 'timeout-minute: 20');
    expect(await workflowErrors(misspelt)).toEqual([expect.stringContaining("Unexpected value 'timeout-minute'")]);
    const badService = content.replace('image: postgres:17', 'imag: postgres:17');
    expect((await workflowErrors(badService)).length).toBeGreaterThan(0);
  });

  it('on pull requests, against a PostgreSQL service, runs db lint before db migrate, then db check, each failing the job by its exit code', async () => {
    const workflow = parseAllDocuments(content)[0].toJS();
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    const job = workflow.jobs.migrations;
    expect(job.services.postgres.image).toMatch(/^postgres:\d+$/);
    expect(new URL(job.env.DATABASE_URL).port).toBe(job.services.postgres.ports[0].split(':')[0]);
    const commands = job.steps.filter((s: any) => /\bdb \w+/.test(s.run ?? '')).map((s: any) => ({ run: s.run, failsTheJob: !s['continue-on-error'] && s.if === undefined }));
    expect(commands).toEqual([
      { run: 'node dist/main.js db lint', failsTheJob: true },
      { run: 'node dist/main.js db migrate', failsTheJob: true },
      { run: 'node dist/main.js db check', failsTheJob: true },
      { run: 'node dist/main.js db current', failsTheJob: false },
    ]);
  });
});

/** The documents of a YAML stream, each named `file#index`; a YAML syntax error throws. */
function loadYaml(text: string, file: string): Manifest[] {
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length) throw new Error(`${file}#${index}: ${document.errors[0].message}`);
    return { source: `${file}#${index}`, object: document.toJS() };
  });
}

/** A deep copy of `object` with the value at `path` replaced. */
function withPath(object: Record<string, any>, path: (string | number)[], value: unknown): Record<string, any> {
  const copy = structuredClone(object);
  const parent = path.slice(0, -1).reduce((at: any, key) => at[key], copy);
  parent[path[path.length - 1]] = value;
  return copy;
}

/** A deep copy of `object` with the key `from` of the object at `path` renamed `to`. */
function renameKey(object: Record<string, any>, path: (string | number)[], from: string, to: string): Record<string, any> {
  const copy = structuredClone(object);
  const target = path.reduce((at: any, key) => at[key], copy);
  target[to] = target[from];
  delete target[from];
  return copy;
}

function existsInRepo(path: string): boolean {
  try {
    readFileSync(join(REPO_ROOT, path));
    return true;
  } catch {
    return false;
  }
}

function expectNonRoot(pod: Record<string, any>, container: Record<string, any>): void {
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: emulator.userIds('node')[0] });
  expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  const tmp = container.volumeMounts.find((m: any) => m.mountPath === '/tmp');
  expect(pod.volumes.find((v: any) => v.name === tmp?.name)).toEqual({ name: tmp.name, emptyDir: {} });
}

/** Runs the emulated image and resolves with its stdout (rejects on a non-zero exit). */
function run(image: Image, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = emulator.runImage(image, args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

/** Errors of GitHub's parser and of its conversion to a workflow template (schema, expressions). */
async function workflowErrors(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: 'migrations.yml', content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !parsed.value) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}
