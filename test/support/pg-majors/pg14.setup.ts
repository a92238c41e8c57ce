/** globalSetup of the Jest project `pg14`: a PostgreSQL 14 server for its tests (see ../pg-major-setup.ts). */
import { pgMajorSetup } from '../pg-major-setup';

export default () => pgMajorSetup(14);
