/** globalSetup of the Jest project `pg17`: a PostgreSQL 17 server for its tests (see ../pg-major-setup.ts). */
import { pgMajorSetup } from '../pg-major-setup';

export default () => pgMajorSetup(17);
