import { column, snapshot, table } from './__fixtures__/snapshots';
import { describeDrift, managedSchemas, schemaDrift, type DriftScope } from './schema-drift';

const scope: DriftScope = { schemas: ['public'], ignore: ['public.migrations_ledger', 'public.migrations_ledger_log', 'migrations'] };

const users = table('users', [column('id', 'integer', { notNull: true, default: "nextval('users_id_seq'::regclass)" }), column('email', 'character varying(255)')], {
  constraints: [{ name: 'users_pkey', type: 'p', definition: 'PRIMARY KEY (id)' }],
  indexes: [
    { name: 'users_pkey', definition: 'CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)' },
    { name: 'idx_email', definition: 'CREATE INDEX idx_email ON public.users USING btree (email)' },
  ],
});
const ledger = table('migrations_ledger', [column('seq', 'integer', { notNull: true }), column('revision', 'character varying(64)')]);
const ledgerSeq = {
  schema: 'public',
  name: 'migrations_ledger_seq_seq',
  type: 'integer',
  start: '1',
  increment: '1',
  min: '1',
  max: '2147483647',
  cache: '1',
  cycle: false,
  ownedBy: 'public.migrations_ledger.seq',
};

describe('schemaDrift', () => {
  it('finds nothing when the live database is what the migrations build, ledger and its sequence aside', () => {
    const live = snapshot([users, ledger, table('migrations', [column('id')])], { sequences: [ledgerSeq] });
    expect(schemaDrift(snapshot([users]), live, scope)).toEqual([]);
  });

  it('names a column and a table added by hand, an index dropped and a default changed', () => {
    const live = snapshot([
      {
        ...users,
        columns: [{ ...users.columns[0], default: '1' }, users.columns[1], column('nickname', 'character varying(40)')],
        indexes: [users.indexes[0]],
      },
      table('notes', [column('body', 'text')]),
    ], { sequences: [{ ...ledgerSeq, name: 'notes_id_seq', ownedBy: 'public.notes.id' }] });
    expect(schemaDrift(snapshot([users]), live, scope)).toEqual([
      { kind: 'changed', type: 'column', name: 'public.users.id', expected: "integer NOT NULL DEFAULT nextval('users_id_seq'::regclass)", live: 'integer NOT NULL DEFAULT 1' },
      { kind: 'added', type: 'column', name: 'public.users.nickname', live: 'character varying(40) NULL' },
      { kind: 'dropped', type: 'index', name: 'public.users.idx_email', expected: 'CREATE INDEX idx_email ON public.users USING btree (email)' },
      { kind: 'added', type: 'table', name: 'public.notes', live: '(body text NULL)' },
    ].sort((a, b) => (`${a.type} ${a.name}` < `${b.type} ${b.name}` ? -1 : 1)));
  });

  it('names constraints, enums, sequences and views by their type', () => {
    const built = snapshot([users], {
      enums: [{ schema: 'public', name: 'status', labels: ['a', 'b'] }],
      views: [{ schema: 'public', name: 'active', kind: 'm', definition: 'SELECT 1' }],
    });
    const live = snapshot(
      [{ ...users, constraints: [...users.constraints, { name: 'email_check', type: 'c', definition: 'CHECK (email <> \'\')' }] }],
      {
        enums: [{ schema: 'public', name: 'status', labels: ['a', 'b', 'c'] }],
        sequences: [{ ...ledgerSeq, name: 'counter', ownedBy: null }],
      },
    );
    expect(schemaDrift(built, live, scope).map((item) => `${item.kind} ${item.type} ${item.name}`)).toEqual([
      'added constraint public.users.email_check',
      "changed enum public.status",
      'dropped materialized view public.active',
      'added sequence public.counter',
    ]);
  });

  it('compares only the managed schemas and the schemas the migrations build in', () => {
    const billing = { ...table('invoices', [column('id')]), schema: 'billing' };
    const elsewhere = { ...table('other', [column('id')]), schema: 'reporting' };
    const built = snapshot([users, billing], { schemas: ['billing', 'public'] });
    const live = snapshot([users, { ...billing, columns: [] }, elsewhere], { schemas: ['billing', 'public', 'reporting'] });
    expect(managedSchemas(built, scope)).toEqual(new Set(['public', 'billing']));
    expect(schemaDrift(built, live, scope).map((item) => `${item.kind} ${item.type} ${item.name}`)).toEqual(['dropped column billing.invoices.id']);
  });

  it('keeps a sequence apart only when its table is not added or dropped as a whole', () => {
    const counter = { ...ledgerSeq, name: 'users_counter_seq', ownedBy: 'public.users.id' };
    expect(schemaDrift(snapshot([users]), snapshot([users], { sequences: [counter] }), scope)).toEqual([
      { kind: 'added', type: 'sequence', name: 'public.users_counter_seq', live: expect.stringContaining('OWNED BY public.users.id') },
    ]);
  });

  it("reports a constraint's own index (primary key, unique) on the constraint's line only", () => {
    const live = snapshot([
      {
        ...users,
        constraints: [...users.constraints, { name: 'users_email_key', type: 'u', definition: 'UNIQUE (email)' }],
        indexes: [...users.indexes, { name: 'users_email_key', definition: 'CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)' }],
      },
    ]);
    expect(schemaDrift(snapshot([users]), live, scope)).toEqual([{ kind: 'added', type: 'constraint', name: 'public.users.users_email_key', live: 'UNIQUE (email)' }]);
    expect(schemaDrift(live, snapshot([users]), scope)).toEqual([{ kind: 'dropped', type: 'constraint', name: 'public.users.users_email_key', expected: 'UNIQUE (email)' }]);
  });

  it('ignores column order, extensions and PostgreSQL 18 not-null constraints', () => {
    const live = snapshot([{ ...users, columns: [...users.columns].reverse(), constraints: [...users.constraints, { name: 'users_id_not_null', type: 'n', definition: 'NOT NULL id' }] }], {
      extensions: [{ name: 'pgcrypto', version: '1.3', schema: 'public' }],
    });
    expect(schemaDrift(snapshot([users]), live, scope)).toEqual([]);
  });
});

describe('describeDrift', () => {
  it('says what the migrations build, then what the live database has', () => {
    expect(describeDrift({ kind: 'changed', type: 'column', name: 'public.p.q', expected: 'integer DEFAULT 0', live: 'integer DEFAULT 5' })).toBe(
      'changed column public.p.q: integer DEFAULT 0 -> integer DEFAULT 5',
    );
    expect(describeDrift({ kind: 'added', type: 'table', name: 'public.notes', live: '(body text NULL)' })).toBe('added table public.notes: (body text NULL)');
    expect(describeDrift({ kind: 'dropped', type: 'index', name: 'public.u.i', expected: 'x'.repeat(200) }, 20)).toBe(`dropped index public.u.i: ${'x'.repeat(17)}...`);
  });
});
