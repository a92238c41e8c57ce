import { diffCatalogs, formatCatalogDiff } from './catalog-diff';
import { column, snapshot, table } from './__fixtures__/snapshots';

describe('diffCatalogs', () => {
  const users = table('users', [column('id', 'integer', { notNull: true }), column('email', 'character varying(255)')]);

  it('finds nothing between equal snapshots', () => {
    expect(diffCatalogs(snapshot([users]), snapshot([structuredClone(users)]))).toEqual([]);
  });

  it('reports an added index, a removed table and a changed column, in a stable order', () => {
    const old = table('old', [column('id', 'integer', { notNull: true })], {
      constraints: [{ name: 'old_pkey', type: 'p', definition: 'PRIMARY KEY (id)' }],
    });
    const before = snapshot([users, old]);
    const after = snapshot([
      {
        ...users,
        columns: [users.columns[0], column('email', 'text')],
        indexes: [{ name: 'idx_email', definition: 'CREATE INDEX idx_email ON public.users USING btree (email)' }],
      },
    ]);
    const differences = diffCatalogs(before, after);
    expect(differences).toEqual([
      { kind: 'changed', object: 'column public.users.email', expected: 'character varying(255) NULL', actual: 'text NULL' },
      { kind: 'added', object: 'index public.users.idx_email', actual: 'CREATE INDEX idx_email ON public.users USING btree (email)' },
      // A table that went as a whole is one line, summed up.
      { kind: 'removed', object: 'table public.old', expected: '(id integer NOT NULL) with 1 constraint' },
    ]);
    expect(formatCatalogDiff(differences)).toBe(
      [
        '  ~ column public.users.email: character varying(255) NULL -> text NULL',
        '  + index public.users.idx_email: CREATE INDEX idx_email ON public.users USING btree (email)',
        '  - table public.old: (id integer NOT NULL) with 1 constraint',
      ].join('\n'),
    );
  });

  it('reports the column order only when the columns are the same', () => {
    const reordered = snapshot([{ ...users, columns: [...users.columns].reverse() }]);
    expect(diffCatalogs(snapshot([users]), reordered)).toEqual([
      { kind: 'changed', object: 'column order of table public.users', expected: 'id, email', actual: 'email, id' },
    ]);
    const added = snapshot([{ ...users, columns: [...users.columns, column('name', 'text')] }]);
    expect(diffCatalogs(snapshot([users]), added).map((d) => d.object)).toEqual(['column public.users.name']);
  });
});
