/**
 * Folders of compiled migrations for the run-on-boot and safety-check tests, put together from the
 * fixtures in test/fixtures/boot-* (copied to a temp folder, so the migration index the module writes
 * beside them never lands in the repository, and folders can be combined).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

export const BOOT_FIXTURES = join(__dirname, '..', 'fixtures');

export interface MigrationFolder {
  dir: string;
  remove(): void;
}

/** A temp folder holding the `.js` migrations of the named fixture folders (later names win on a clash). */
export function composeMigrations(...fixtures: string[]): MigrationFolder {
  const dir = mkdtempSync(join(tmpdir(), 'boot-migrations-'));
  for (const fixture of fixtures) {
    const from = join(BOOT_FIXTURES, fixture);
    for (const name of readdirSync(from).filter((n) => n.endsWith('.js'))) copyFileSync(join(from, name), join(dir, name));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Compiles migration sources (file name -> TypeScript) to CommonJS with TypeScript's `transpileModule` at
 * the given target, into a new temp folder: the same source built by two compilers.
 */
export function compileMigrations(sources: Record<string, string>, target: ts.ScriptTarget): MigrationFolder {
  const dir = mkdtempSync(join(tmpdir(), `boot-compiled-${ts.ScriptTarget[target].toLowerCase()}-`));
  mkdirSync(dir, { recursive: true });
  for (const [name, source] of Object.entries(sources)) {
    const { outputText } = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target },
      reportDiagnostics: false,
    });
    writeFileSync(join(dir, name.replace(/\.ts$/, '.js')), outputText);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
