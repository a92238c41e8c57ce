import { orderSeeders } from './seed-order';

const seeder = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

describe('orderSeeders', () => {
  it('runs each seeder after its dependencies, in the order they are listed', () => {
    const order = orderSeeders([seeder('orders', 'users', 'products'), seeder('products'), seeder('users'), seeder('settings')]);
    expect(order.map((s) => s.name)).toEqual(['users', 'products', 'orders', 'settings']);
  });

  it('follows chains of dependencies', () => {
    const order = orderSeeders([seeder('c', 'b'), seeder('b', 'a'), seeder('a')]);
    expect(order.map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('names a cycle', () => {
    expect(() => orderSeeders([seeder('a', 'b'), seeder('b', 'c'), seeder('c', 'a')])).toThrow('Seeders depend on each other in a cycle: a -> b -> c -> a');
  });

  it('rejects an unknown dependency and a duplicate name', () => {
    expect(() => orderSeeders([seeder('a', 'ghost')])).toThrow("Seeder 'a' depends on 'ghost', which is not a registered seeder");
    expect(() => orderSeeders([seeder('a'), seeder('a')])).toThrow("Two seeders are named 'a'");
  });
});
