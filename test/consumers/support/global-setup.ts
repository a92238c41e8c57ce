/**
 * Jest globalSetup of the "consumers" project: the PostgreSQL server (as for e2e tests) and the package
 * packed as users get it (`npm pack` of libs/migrations, already built by `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import e2eGlobalSetup from '../../support/global-setup';
import { REPO_ROOT } from '../../support/cli';
import { TARBALL_ENV } from './consumer-app';

export default async function globalSetup(): Promise<void> {
  await e2eGlobalSetup();
  const destination = mkdtempSync(join(tmpdir(), 'nest-migrations-pack-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination, '-w', 'nest-migrations'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  process.env[TARBALL_ENV] = join(destination, filename);
  process.stderr.write(`[consumers] packed ${process.env[TARBALL_ENV]}\n`);
}
