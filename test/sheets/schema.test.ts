import {
  ADMIN_TABLES,
  LOOKER_TABLES,
  adminTable,
  headersOf,
  lookerOf,
  lookerTable,
  tabArgs,
} from '../../src/sheets/tables';

interface Row {
  day: string;
  users: number | null;
  ok: boolean;
}

describe('tab declarations', () => {
  const admin = adminTable<Row>({
    name: 'Example',
    description: 'An example tab.',
    partitionKey: 'day',
    columns: [
      ['day', 'day', 'Day', 'date', 'The day.'],
      ['users', 'active_users', 'Users', 'integer', 'Users.', {width: 60}],
      ['ok', 'is_ok', 'OK', 'boolean', 'Fine.', {format: 'General'}],
    ],
  });

  it('an admin tab keeps the declared order, labels, extras and partition', () => {
    expect(headersOf(admin)).toEqual(['Day', 'Users', 'OK']);
    expect(admin.partitionKey).toBe('day');
    expect(admin.looker).toBe(false);
    const args = tabArgs(admin, [{day: '2025-01-06', users: 12.4, ok: true}]);
    expect(args.rows).toEqual([['2025-01-06', 12, true]]);
    expect(args.columnWidths).toEqual([95, 60, 70]);
    expect(args.numberFormats).toEqual(['@', '#,##0', 'General']);
  });

  it('a Looker twin shows the same columns under their keys', () => {
    const twin = lookerOf(admin, 'lk_example', 'The example for Looker.');
    expect(headersOf(twin)).toEqual(['day', 'active_users', 'is_ok']);
    expect(twin.columns).toBe(admin.columns);
    expect(twin.partitionKey).toBeUndefined();
  });

  it('a Looker tab declared on its own is headed by its keys', () => {
    const lk = lookerTable<Row>({
      name: 'lk_own',
      description: 'Declared for Looker.',
      columns: [
        ['day', 'day', 'date', 'The day.'],
        ['users', 'active_users', 'integer', 'Users.'],
      ],
    });
    expect(headersOf(lk)).toEqual(['day', 'active_users']);
    expect(lk.columns.map(c => c.label)).toEqual(['day', 'active_users']);
  });

  it.each([...ADMIN_TABLES, ...LOOKER_TABLES].map(t => [t.name, t]))(
    '%s names each field, key and header once',
    (_name, t) => {
      const once = (xs: string[]) => expect(new Set(xs).size).toBe(xs.length);
      once(t.columns.map(c => c.field));
      once(t.columns.map(c => c.key));
      // Tabs are read back by header, so two columns under one label would be ambiguous.
      once(t.columns.map(c => c.label));
    },
  );
});
