import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { RevisionInfo } from 'nest-migrations';

export class AddProductsTable1795269720000 implements MigrationInterface {
  static readonly revision: RevisionInfo = {
    id: '08ab1432a152',
    parents: ['626ab0e768ab'],
    message: 'Add products table',
    createdAt: '2026-11-21T14:02:00.000Z',
  };

  name = 'AddProductsTable1795269720000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "products" ("id" SERIAL NOT NULL, "name" character varying(255) NOT NULL, "price" numeric(10,2) NOT NULL, "quantity" integer NOT NULL DEFAULT '0', "description" character varying(1000), CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "products"`);
  }
}
