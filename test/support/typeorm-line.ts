import * as typeorm from 'typeorm';

/**
 * The TypeORM line this test process loaded: `0.3` or `1`. TypeORM 1.x removed the `ConnectionManager`
 * export, which every 0.3.x has. The Jest project `typeorm-0.3` maps `typeorm` to the 0.3 line, so a test can
 * expect what that line generates where the two differ (see libs/migrations/src/adapter/typeorm-compat.ts).
 */
export const TYPEORM_LINE: '0.3' | '1' = 'ConnectionManager' in typeorm ? '0.3' : '1';

/**
 * The line of the TypeORM that created `dataSource`, from the field that differs: 1.x's schema builder keeps the
 * tables it compares as its own `tables`, 0.3's has no such field (it reads `queryRunner.loadedTables`).
 */
export function lineOf(dataSource: typeorm.DataSource): '0.3' | '1' {
  const builder = dataSource.driver.createSchemaBuilder() as unknown as { tables?: unknown };
  return Array.isArray(builder.tables) ? '1' : '0.3';
}
