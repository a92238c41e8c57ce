import { closestName, editDistance } from './similar-name';

describe('closestName', () => {
  const commands = ['migrate', 'rollback', 'current', 'history', 'stamp', 'heads', 'branches', 'merge'];
  it.each([
    ['migrat', 'migrate'],
    ['histroy', 'history'],
    ['curent', 'current'],
    ['rollbak', 'rollback'],
    ['branch', 'branches'],
  ])('suggests %s -> %s', (input, meant) => expect(closestName(input, commands)).toBe(meant));
  it.each(['bogus', 'x', 'upgrade'])('suggests nothing for %s', (input) => expect(closestName(input, commands)).toBeUndefined());
  it('counts a swap of neighbours as one edit', () => expect(editDistance('histroy', 'history')).toBe(1));
});
