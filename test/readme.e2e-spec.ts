import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/cli';

/** README's two commands are what users and CI run: keep them true. */
describe('README commands', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
  const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = firstBlock.split('\n').filter((line) => line.trim() && !line.startsWith('#'));

  it('shows the set-up + main job command and the test command at the top', () => {
    expect(commands).toEqual([
      'npm ci && npm run build && node dist/main.js db migrate',
      'npm ci && npm run build && npm test',
    ]);
  });

  it('has CI run the README test command word for word', () => {
    expect(ci.split('\n')).toContain(commands[1]);
  });
});
