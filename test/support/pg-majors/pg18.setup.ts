/** globalSetup of the Jest project `pg18`: a PostgreSQL 18 server for its tests (see ../pg-major-setup.ts). */
import { pgMajorSetup } from '../pg-major-setup';

export default () => pgMajorSetup(18);
