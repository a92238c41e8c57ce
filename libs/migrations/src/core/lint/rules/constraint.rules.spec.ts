import { describeRule } from '../__fixtures__/rule-cases';

describeRule('adding-foreign-key-constraint', [
  {
    about: 'FOREIGN KEY without NOT VALID',
    trigger: 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)',
    safe: 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID',
    message: 'FOREIGN KEY on orders without NOT VALID',
  },
  { about: 'inline REFERENCES of ADD COLUMN', trigger: 'ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id)', safe: 'ALTER TABLE orders ADD COLUMN user_id bigint' },
]);
describeRule('constraint-missing-not-valid', [
  { about: 'CHECK without NOT VALID', trigger: 'ALTER TABLE accounts ADD CONSTRAINT positive CHECK (balance >= 0)', safe: 'ALTER TABLE accounts ADD CONSTRAINT positive CHECK (balance >= 0) NOT VALID' },
]);
describeRule('disallowed-unique-constraint', [
  { about: 'UNIQUE', trigger: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)', safe: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx' },
  { about: 'inline UNIQUE of ADD COLUMN', trigger: 'ALTER TABLE users ADD COLUMN handle text UNIQUE', safe: 'ALTER TABLE users ADD COLUMN handle text' },
]);
describeRule('adding-primary-key-constraint', [
  { about: 'PRIMARY KEY', trigger: 'ALTER TABLE accounts ADD PRIMARY KEY (id)', safe: 'ALTER TABLE accounts ADD CONSTRAINT accounts_pk PRIMARY KEY USING INDEX accounts_pk_idx' },
]);
describeRule('adding-exclusion-constraint', [
  { about: 'EXCLUDE', trigger: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)', safe: ['CREATE TABLE bookings (room int, during tstzrange)', 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)'] },
]);
describeRule('adding-not-nullable-field', [
  { about: 'SET NOT NULL', trigger: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', safe: 'ALTER TABLE users ALTER COLUMN email SET DEFAULT \'\'', message: 'SET NOT NULL on users.email scans the table' },
  {
    about: 'after a validated CHECK (col IS NOT NULL) in an earlier migration of the run',
    trigger: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    safe: [
      { sql: 'ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID' },
      { sql: 'ALTER TABLE users VALIDATE CONSTRAINT email_nn' },
      { sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL' },
    ],
  },
  {
    about: 'a validated CHECK (col IS NOT NULL) in the database',
    trigger: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    safe: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    env: { tables: { users: { columns: { email: { catalogType: 'text', notNullChecked: false } } } } },
    safeEnv: { tables: { users: { columns: { email: { catalogType: 'text', notNullChecked: true } } } } },
  },
]);
describeRule('constraint-validated-under-lock', [
  {
    about: 'VALIDATE in the transaction that added the constraint',
    trigger: ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID', 'ALTER TABLE orders VALIDATE CONSTRAINT fk'],
    safe: [{ sql: 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID' }, { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT fk' }],
  },
]);
