import { Entity, type EntityOptions } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityClass = Function;

const DEFAULT = 'default';
const byDataSource = new Map<string, Set<EntityClass>>();

/**
 * Every class declared with `@MigrationEntity()`, per data source. Entities are not providers, so Nest's
 * discovery cannot see them; a static registry filled at import time can. Feed it to TypeORM with
 * `entities: EntityRegistry.entities()`.
 */
export const EntityRegistry = {
  register(target: EntityClass, dataSource = DEFAULT): void {
    let set = byDataSource.get(dataSource);
    if (!set) byDataSource.set(dataSource, (set = new Set()));
    set.add(target);
  },

  /** The registered entity classes of a data source, in registration order. */
  entities(dataSource = DEFAULT): EntityClass[] {
    return [...(byDataSource.get(dataSource) ?? [])];
  },

  /** Names of the data sources that have entities. */
  dataSources(): string[] {
    return [...byDataSource.keys()];
  },

  /** Forgets every registration; for tests that build several apps in one process. */
  reset(): void {
    byDataSource.clear();
  },
};

export interface MigrationEntityOptions extends EntityOptions {
  /** The TypeORM data source the entity belongs to. Default: `default`. */
  dataSource?: string;
}

/**
 * Declares a TypeORM entity and registers it for its data source, so that TypeORM's options and the
 * migration autogenerator see it without a list of entities or a glob.
 *
 * @example
 * \@MigrationEntity('products')
 * export class Product { \@PrimaryGeneratedColumn() id: number; }
 */
export function MigrationEntity(options?: MigrationEntityOptions): ClassDecorator;
export function MigrationEntity(name?: string, options?: MigrationEntityOptions): ClassDecorator;
export function MigrationEntity(
  nameOrOptions?: string | MigrationEntityOptions,
  maybeOptions?: MigrationEntityOptions,
): ClassDecorator {
  const options = (typeof nameOrOptions === 'object' ? nameOrOptions : maybeOptions) ?? {};
  const { dataSource, ...entityOptions } = options;
  const name = typeof nameOrOptions === 'string' ? nameOrOptions : entityOptions.name;
  return (target) => {
    Entity(name as string, entityOptions)(target);
    EntityRegistry.register(target, dataSource ?? DEFAULT);
  };
}
