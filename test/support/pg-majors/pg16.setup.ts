/** globalSetup of the Jest project `pg16`: a PostgreSQL 16 server for its tests (see ../pg-major-setup.ts). */
import { pgMajorSetup } from '../pg-major-setup';

export default () => pgMajorSetup(16);
