import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { RevisionInfo } from 'nest-migrations';

export class CreateUsersTable1795166100000 implements MigrationInterface {
  static readonly revision: RevisionInfo = {
    id: '626ab0e768ab',
    parents: [],
    message: 'Create users table',
    createdAt: '2026-11-20T09:15:00.000Z',
  };

  name = 'CreateUsersTable1795166100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" character varying(255) NOT NULL, "name" character varying(255) NOT NULL, "is_active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
