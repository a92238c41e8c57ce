import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { installStack, tarball } from './support/consumer-app';

/** What users download: only the listed files, and a declaration for everything each entry point exports. */
describe('the packed package', () => {
  const files = execFileSync('tar', ['-tzf', tarball()], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ''));
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'libs', 'migrations', 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types: string; default: string }>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
  };

  it('holds compiled JavaScript, declarations, source maps, README and LICENSE, and nothing else', () => {
    const unexpected = files.filter(
      (path) => !['package.json', 'README.md', 'LICENSE'].includes(path) && !/^dist\/.+\.(js|d\.ts|js\.map)$/.test(path),
    );
    expect(unexpected).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']));
    expect(files.filter((path) => /\.spec\.|__fixtures__/.test(path))).toEqual([]);
  });

  it('ships every file its exports map names', () => {
    for (const target of Object.values(manifest.exports)) {
      const paths = typeof target === 'string' ? [target] : [target.types, target.default];
      for (const path of paths) expect(files).toContain(path.replace(/^\.\//, ''));
    }
  });

  it('marks terminus, PGlite, @nestjs/testing, @nestjs/event-emitter, @opentelemetry/api and esbuild (fast start) as optional peers', () => {
    expect(Object.keys(manifest.peerDependenciesMeta).sort()).toEqual(['@electric-sql/pglite', '@nestjs/event-emitter', '@nestjs/terminus', '@nestjs/testing', '@opentelemetry/api', 'esbuild']);
    for (const name of Object.keys(manifest.peerDependenciesMeta)) expect(manifest.peerDependencies[name]).toBeDefined();
  });

  it('declares, in the entry point’s .d.ts, every value each entry point exports at run time', async () => {
    const installed = join(await installStack('nest12'), 'node_modules', 'nest-migrations');
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      const script = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(join(installed, target.default))}))))`;
      const runtime = (JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[]).filter((name) => name !== '__esModule');
      const declared = declaredExports(join(installed, target.types));
      expect({ subpath, missing: runtime.filter((name) => !declared.has(name)) }).toEqual({ subpath, missing: [] });
      expect(runtime.length).toBeGreaterThan(0);
    }
  });
});

function declaredExports(file: string): Set<string> {
  const program = ts.createProgram([file], { skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const symbol = source && checker.getSymbolAtLocation(source);
  return new Set(symbol ? checker.getExportsOfModule(symbol).map((exported) => exported.getName()) : []);
}
