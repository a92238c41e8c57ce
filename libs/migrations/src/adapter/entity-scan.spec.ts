import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blankNonCode, declaredClasses, scanEntityDeclarations } from './entity-scan';

describe('declaredClasses', () => {
  it('finds classes after each entity decorator, with the decorator', () => {
    const source = `
      @MigrationEntity('products') export class Product {}
      @Entity() class Order {}
      @ViewEntity({ expression: 'SELECT 1' }) export class Report {}`;
    expect(declaredClasses(source)).toEqual([
      { className: 'Product', decorator: 'MigrationEntity' },
      { className: 'Order', decorator: 'Entity' },
      { className: 'Report', decorator: 'ViewEntity' },
    ]);
  });

  it('ignores decorators in comments, strings and template literals', () => {
    const source = [
      '// @Entity() class LineComment {}',
      '/* @Entity()\n class BlockComment {} */',
      "const a = '@Entity() class Single {}';",
      'const b = "@Entity() class Double {}";',
      'const c = `@Entity() class Template ${"@Entity()"} class AfterExpression {}`;',
      '/** Usage: @MigrationEntity() on a class */',
      '@Entity() export class Real {}',
    ].join('\n');
    expect(declaredClasses(source)).toEqual([{ className: 'Real', decorator: 'Entity' }]);
  });

  it('keeps code inside template expressions as code', () => {
    expect(blankNonCode('`a ${ {x: 1}.x } b`')).toBe('`  ${ {x: 1}.x }  `');
  });
});

describe('scanEntityDeclarations', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'scan-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('never reports node_modules, tests, declarations, or the nest-migrations package itself', () => {
    write('src/a.entity.ts', '@Entity() export class A {}');
    write('src/node_modules/x/b.ts', '@Entity() export class B {}');
    write('src/a.entity.spec.ts', '@Entity() class C {}');
    write('src/types.d.ts', '@Entity() declare class D {}');
    write('src/vendor/nest-migrations/package.json', '{ "name": "nest-migrations" }');
    write('src/vendor/nest-migrations/src/e.ts', '@MigrationEntity() class E {}');
    expect(scanEntityDeclarations(join(root, 'src'))).toEqual([{ file: join('src', 'a.entity.ts'), className: 'A', decorator: 'Entity' }]);
  });
});
