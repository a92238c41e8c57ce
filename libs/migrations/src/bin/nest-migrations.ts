#!/usr/bin/env node
/**
 * `nest-migrations` — build-time tools of the package (the migration commands themselves run inside the app:
 * `node dist/main.js db …`).
 *
 *   nest-migrations bundle [--entry dist/main.js]   bundle the framework packages for a fast CLI start
 */
import { resolve } from 'node:path';
import { buildCliBundle } from '../fast-start/build';

const USAGE = 'usage: nest-migrations bundle [--entry <compiled entry, default dist/main.js>]';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'bundle') {
    process.stderr.write(`error: unknown command '${command}'\nhint: ${USAGE}\n`);
    return 2;
  }
  let entry = 'dist/main.js';
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--entry' && rest[i + 1]) entry = rest[++i];
    else {
      process.stderr.write(`error: unknown option '${rest[i]}'\nhint: ${USAGE}\n`);
      return 2;
    }
  }
  try {
    const report = await buildCliBundle(resolve(entry), (line) => process.stderr.write(`${line}\n`));
    const size = `${(report.bytes / 1024 / 1024).toFixed(1)} MiB`;
    process.stdout.write(`Bundled ${report.packages.length} packages for a fast CLI start (${size}, ${report.ms} ms)${report.patched ? '' : '; not activated (ES module entry)'}.\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
