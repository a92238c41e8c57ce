import type { TypeRef } from './lint/lint-model';
import { keepsEveryValue } from './type-widening';

const t = (name: string, ...mods: number[]): TypeRef => ({ name, mods, array: false });
const arrayOf = (type: TypeRef): TypeRef => ({ ...type, array: true });

describe('keepsEveryValue', () => {
  it.each([
    ['int4 -> int8', t('int4'), t('int8')],
    ['int2 -> int4', t('int2'), t('int4')],
    ['int2 -> int8', t('int2'), t('int8')],
    ['int4 -> numeric', t('int4'), t('numeric')],
    ['int4 -> numeric(12,2)', t('int4'), t('numeric', 12, 2)],
    ['int4 -> float8', t('int4'), t('float8')],
    ['float4 -> float8', t('float4'), t('float8')],
    ['varchar(255) -> varchar(300)', t('varchar', 255), t('varchar', 300)],
    ['varchar(255) -> varchar', t('varchar', 255), t('varchar')],
    ['varchar(255) -> text', t('varchar', 255), t('text')],
    ['text -> varchar', t('text'), t('varchar')],
    ['numeric(10,2) -> numeric(12,2)', t('numeric', 10, 2), t('numeric', 12, 2)],
    ['numeric(10,2) -> numeric', t('numeric', 10, 2), t('numeric')],
    ['timestamptz(3) -> timestamptz', t('timestamptz', 3), t('timestamptz')],
    ['int4[] -> int8[]', arrayOf(t('int4')), arrayOf(t('int8'))],
  ])('%s keeps every value', (_label, from, to) => {
    expect(keepsEveryValue(from, to)).toBe(true);
  });

  it.each([
    ['int8 -> int4', t('int8'), t('int4')],
    ['int4 -> int2', t('int4'), t('int2')],
    ['int8 -> float8', t('int8'), t('float8')],
    ['int4 -> numeric(8,0)', t('int4'), t('numeric', 8, 0)],
    ['varchar(300) -> varchar(255)', t('varchar', 300), t('varchar', 255)],
    ['text -> varchar(10)', t('text'), t('varchar', 10)],
    ['numeric(12,2) -> numeric(12,1)', t('numeric', 12, 2), t('numeric', 12, 1)],
    ['numeric(12,2) -> numeric(10,2)', t('numeric', 12, 2), t('numeric', 10, 2)],
    ['timestamp -> timestamptz', t('timestamp'), t('timestamptz')],
    ['timestamptz -> timestamp', t('timestamptz'), t('timestamp')],
    ['char(5) -> text', t('bpchar', 5), t('text')],
    ['text -> int4', t('text'), t('int4')],
    ['int4 -> int4[]', t('int4'), arrayOf(t('int4'))],
  ])('%s may change or reject values', (_label, from, to) => {
    expect(keepsEveryValue(from, to)).toBe(false);
  });
});
