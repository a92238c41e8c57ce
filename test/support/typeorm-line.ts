import * as typeorm from 'typeorm';

/**
 * The TypeORM line this test process loaded: `0.3` or `1`. TypeORM 1.x removed the `ConnectionManager`
 * export, which every 0.3.x has. The Jest project `typeorm-0.3` maps `typeorm` to the 0.3 line, so a test can
 * expect what that line generates where the two differ (see libs/migrations/src/adapter/typeorm-compat.ts).
 */
export const TYPEORM_LINE: '0.3' | '1' = 'ConnectionManager' in typeorm ? '0.3' : '1';
