import { Column, PrimaryGeneratedColumn } from 'typeorm';
import { MigrationEntity } from 'nest-migrations';

@MigrationEntity('products')
export class Product {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'numeric', precision: 10, scale: 2 })
  price: string;

  @Column({ type: 'integer', default: 0 })
  quantity: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description: string | null;
}
