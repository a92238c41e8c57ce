import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/cli';

/** README's two commands are what users and CI run: keep them true. */
describe('README commands', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]);
  const lines = (block = '') => block.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  const commands = lines(blocks[1]);

  it('opens with the install line for users', () => {
    expect(lines(blocks[0])).toEqual(['npm install nest-migrations nest-commander @nestjs/typeorm typeorm pg']);
  });

  it('shows the set-up + main job command and the test command at the top', () => {
    expect(commands).toEqual([
      'npm ci && npm run build && node dist/main.js db migrate',
      'npm ci && npm run build && npm test',
    ]);
  });

  it('has CI run the README test command word for word', () => {
    expect(ci.split('\n')).toContain(commands[1]);
  });

  it("gives npm users the same quick start as the repository's README", () => {
    const section = (text: string) => text.slice(text.indexOf('## Quick start in an existing app'), text.indexOf('## What you get'));
    const packageReadme = readFileSync(join(REPO_ROOT, 'libs', 'migrations', 'README.md'), 'utf8');
    expect(section(packageReadme)).toEqual(section(readme));
    expect(section(readme)).toContain('await runCli(AppModule);');
  });
});
