import { nextStep } from './next-step';

describe('nextStep', () => {
  const dir = `${process.cwd()}/migrations`;

  it('names no build when migrations load as they are', () =>
    expect(nextStep({ kind: 'as-is' }, dir, false)).toBe('Review it, then apply it with `node dist/main.js db migrate`.'));

  it('names the build for a built app', () =>
    expect(nextStep({ kind: 'build', includes: true, tsconfig: 'tsconfig.build.json' }, dir, false)).toBe(
      'Review it, build (`npm run build`), then apply it with `node dist/main.js db migrate`.',
    ));

  it('names no build step under nest start, which compiles first', () =>
    expect(nextStep({ kind: 'build', includes: true, tsconfig: 'tsconfig.build.json' }, dir, true)).not.toContain('npm run build'));

  it('says when the build leaves the migrations folder out', () =>
    expect(nextStep({ kind: 'build', includes: false, tsconfig: 'tsconfig.build.json' }, dir, false)).toBe(
      'Review it. The build (tsconfig.build.json) does not compile migrations/: add it to its "include" (or set compiledMigrationsDir), build, then apply it with `node dist/main.js db migrate`.',
    ));
});
