import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { RevisionInfo } from 'nest-migrations';

export class AddOrdersTable1795344420000 implements MigrationInterface {
  static readonly revision: RevisionInfo = {
    id: 'b82d814bc902',
    parents: ['08ab1432a152'],
    message: 'Add orders table',
    createdAt: '2026-11-22T10:47:00.000Z',
  };

  name = 'AddOrdersTable1795344420000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "orders" ("id" SERIAL NOT NULL, "user_id" integer NOT NULL, "total" numeric(10,2) NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'pending', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_a922b820eeef29ac1c6800e826" ON "orders" ("user_id")`);
    await queryRunner.query(`ALTER TABLE "orders" ADD CONSTRAINT "FK_a922b820eeef29ac1c6800e826a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orders" DROP CONSTRAINT "FK_a922b820eeef29ac1c6800e826a"`);
    await queryRunner.query(`DROP INDEX "IDX_a922b820eeef29ac1c6800e826"`);
    await queryRunner.query(`DROP TABLE "orders"`);
  }
}
