import { Column, getMetadataArgsStorage, PrimaryGeneratedColumn } from 'typeorm';
import { EntityRegistry, MigrationEntity } from './entity-registry';

describe('MigrationEntity', () => {
  afterEach(() => EntityRegistry.reset());

  it('declares a TypeORM entity and registers it for the default data source', () => {
    @MigrationEntity('widgets')
    class Widget {
      @PrimaryGeneratedColumn() id: number;
      @Column() name: string;
    }
    expect(EntityRegistry.entities()).toEqual([Widget]);
    const table = getMetadataArgsStorage().tables.find((t) => t.target === Widget);
    expect(table).toMatchObject({ name: 'widgets', type: 'regular' });
  });

  it('keeps entities of other data sources apart', () => {
    @MigrationEntity({ name: 'events', dataSource: 'analytics', schema: 'stats' })
    class Event {
      @PrimaryGeneratedColumn() id: number;
    }
    @MigrationEntity()
    class Account {
      @PrimaryGeneratedColumn() id: number;
    }
    expect(EntityRegistry.entities('analytics')).toEqual([Event]);
    expect(EntityRegistry.entities()).toEqual([Account]);
    expect(EntityRegistry.dataSources().sort()).toEqual(['analytics', 'default']);
    expect(getMetadataArgsStorage().tables.find((t) => t.target === Event)).toMatchObject({ name: 'events', schema: 'stats' });
  });

  it('forgets everything on reset, for tests that build several apps', () => {
    @MigrationEntity()
    class Temp {
      @PrimaryGeneratedColumn() id: number;
    }
    expect(EntityRegistry.entities()).toContain(Temp);
    EntityRegistry.reset();
    expect(EntityRegistry.entities()).toEqual([]);
  });
});
