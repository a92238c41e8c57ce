import { colourWanted } from './output';

describe('colourWanted', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it.each([
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { NO_COLOR: '' }, true],
    [tty, { TERM: 'dumb' }, false],
    [pipe, { FORCE_COLOR: '1' }, true],
    [pipe, { FORCE_COLOR: '' }, true],
    [tty, { FORCE_COLOR: '0' }, false],
    [tty, { FORCE_COLOR: 'false' }, false],
    [tty, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ])('%j with %j: %s', (stream, env, expected) => expect(colourWanted(stream, env as NodeJS.ProcessEnv)).toBe(expected));
});
