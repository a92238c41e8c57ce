import { displayPath, type buildStep } from '../adapter/files/folder';
import { cliRun, startedByNestStart } from './cli-run';

/**
 * The last line after a migration file was written: how it gets to `db migrate` from here. No build step
 * when migrations load as they are; under `nest start`, which compiles before it runs, none to type; and
 * when the build tsconfig leaves the migrations folder out, that is what to fix.
 */
export function nextStep(step: ReturnType<typeof buildStep>, migrationsDir: string, nestStart = startedByNestStart(), subject = 'it'): string {
  const migrate = `\`${cliRun().cliName} db migrate\``;
  if (step.kind === 'as-is') return `Review ${subject}, then apply ${subject} with ${migrate}.`;
  if (step.includes === false) {
    const folder = `${displayPath(migrationsDir)}/`;
    return `Review ${subject}. The build (${step.tsconfig}) does not compile ${folder}: add it to its "include" (or set compiledMigrationsDir), build, then apply ${subject} with ${migrate}.`;
  }
  if (nestStart) return `Review ${subject}, then apply ${subject} with ${migrate} (it compiles before it runs).`;
  return `Review ${subject}, build (\`npm run build\`), then apply ${subject} with ${migrate}.`;
}
