import { Test } from '@nestjs/testing';
import { MigrationsModule } from './migrations.module';
import { MigrationsService } from './nest/migrations.service';
import { RESOLVED_MIGRATIONS_OPTIONS } from './nest/migrations.constants';
import { InvalidMigrationsOptionsError } from './nest/options-validation';

describe('MigrationsModule', () => {
  it('provides MigrationsService with defaults filled in', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MigrationsModule.forRoot()] }).compile();
    expect(moduleRef.get(MigrationsService)).toBeInstanceOf(MigrationsService);
    expect(moduleRef.get(RESOLVED_MIGRATIONS_OPTIONS)).toMatchObject({
      migrationsDir: expect.stringMatching(/\/migrations$/),
      dataSource: 'default',
      schema: 'public',
      ledgerTable: 'migrations_ledger',
      typeormMigrationsTable: 'migrations',
      lockWaitMs: 60_000,
    });
  });

  it.each([
    [{ schema: 'bad schema' }, /'schema' must be a plain SQL identifier/],
    [{ ledgerTable: '' }, /'ledgerTable' must be a non-empty string/],
    [{ lockWaitMs: -5 }, /'lockWaitMs' must be a number of milliseconds >= 0, got -5/],
    [{ typeormMigrationsTable: 42 }, /'typeormMigrationsTable' must be a table name or false/],
    [{ migrationDir: 'migrations' }, /unknown option 'migrationDir'/],
  ])('fails fast in forRoot on %j', (options, message) => {
    expect(() => MigrationsModule.forRoot(options as never)).toThrow(InvalidMigrationsOptionsError);
    expect(() => MigrationsModule.forRoot(options as never)).toThrow(message);
  });

  it('reports every mistake at once', () => {
    const attempt = () => MigrationsModule.forRoot({ schema: '1x', lockWaitMs: Number.NaN });
    expect(attempt).toThrow(/'schema' must be a plain SQL identifier .*got '1x'/);
    expect(attempt).toThrow(/'lockWaitMs' must be a number of milliseconds >= 0, got NaN/);
  });

  it('checks options from forRootAsync when the app boots', async () => {
    const builder = Test.createTestingModule({
      imports: [MigrationsModule.forRootAsync({ useFactory: () => ({ ledgerTable: 'drop table x;' }) })],
    });
    await expect(builder.compile()).rejects.toThrow(/MigrationsModule: 'ledgerTable' must be a plain SQL identifier/);
  });

  it('can be made global', async () => {
    const dynamic = MigrationsModule.forRoot({ isGlobal: true });
    expect(dynamic.global).toBe(true);
  });
});
