import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildStep, findBesideEntry, locateCompiledMigrations, readJsonc } from './folder';

describe('locateCompiledMigrations', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'dirs-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text = ''): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('uses the folder itself when it already holds JavaScript', () => {
    write('migrations/1_a.js');
    expect(locateCompiledMigrations(join(root, 'migrations'), undefined, root)?.dir).toBe(join(root, 'migrations'));
  });

  it("reads outDir and rootDir from the build tsconfig named by nest-cli.json, following extends", () => {
    write('nest-cli.json', '{ "compilerOptions": { "tsConfigPath": "config/tsconfig.app.json" } }');
    write('tsconfig.base.json', '{\n  // comments and trailing commas are allowed\n  "compilerOptions": { "outDir": "./build", },\n}');
    write('config/tsconfig.app.json', '{ "extends": "../tsconfig.base.json", "compilerOptions": { "rootDir": ".." } }');
    write('db/migrations/1_a.ts');
    write('build/db/migrations/1_a.js');
    const found = locateCompiledMigrations(join(root, 'db/migrations'), undefined, root);
    expect(found).toEqual({ dir: join(root, 'build/db/migrations'), via: 'outDir of config/tsconfig.app.json' });
  });

  it('takes the common folder of "include" as rootDir when none is set, as TypeScript does', () => {
    write('tsconfig.build.json', '{ "compilerOptions": { "outDir": "dist" }, "include": ["src/**/*"] }');
    write('src/migrations/1_a.ts');
    write('dist/migrations/1_a.js');
    expect(locateCompiledMigrations(join(root, 'src/migrations'), undefined, root)?.dir).toBe(join(root, 'dist/migrations'));
  });

  it('falls back to the entry file when there is no tsconfig (a container ships only dist/)', () => {
    write('dist/migrations/1_a.js');
    write('dist/main.js');
    const found = locateCompiledMigrations(join(root, 'migrations'), join(root, 'dist/main.js'), root);
    expect(found?.dir).toBe(join(root, 'dist/migrations'));
    expect(found?.via).toBe('found beside the entry file dist/main.js');
  });

  it('finds nothing when no compiled migrations exist', () => {
    write('migrations/1_a.ts');
    write('tsconfig.json', '{ "compilerOptions": { "outDir": "dist" } }');
    expect(locateCompiledMigrations(join(root, 'migrations'), join(root, 'dist/main.js'), root)).toBeUndefined();
  });
});

describe('findBesideEntry', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'dirs-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function touch(path: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), '');
  }

  it('finds dist/migrations from dist/src/main.js and from dist/main.js', () => {
    touch('migrations/1_a.ts');
    touch('dist/migrations/1_a.js');
    expect(findBesideEntry(join(root, 'migrations'), join(root, 'dist/src/main.js'), root)).toBe(join(root, 'dist/migrations'));
    expect(findBesideEntry(join(root, 'migrations'), join(root, 'dist/main.js'), root)).toBe(join(root, 'dist/migrations'));
  });

  it('maps src/migrations to dist/migrations when the compiler root is src', () => {
    touch('src/migrations/1_a.ts');
    touch('dist/migrations/1_a.js');
    expect(findBesideEntry(join(root, 'src/migrations'), join(root, 'dist/main.js'), root)).toBe(join(root, 'dist/migrations'));
  });
});

describe('readJsonc', () => {
  it('keeps comment markers inside strings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonc-'));
    try {
      writeFileSync(join(dir, 'a.json'), '{ "url": "http://x/*y*/", /* c */ "b": [1, 2,], }');
      expect(readJsonc(join(dir, 'a.json'))).toEqual({ url: 'http://x/*y*/', b: [1, 2] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('buildStep', () => {
  const repo = join(__dirname, '..', '..', '..', '..', '..');

  it('a folder the build tsconfig includes', () =>
    expect(buildStep(join(repo, 'migrations'), join(repo, 'dist', 'migrations'), repo)).toEqual({ kind: 'build', includes: true, tsconfig: 'tsconfig.build.json' }));

  it('a folder the build tsconfig leaves out', () =>
    expect(buildStep(join(repo, 'test', 'fixtures', 'throwing'), join(repo, 'dist', 'x'), repo)).toEqual({ kind: 'build', includes: false, tsconfig: 'tsconfig.build.json' }));
});
