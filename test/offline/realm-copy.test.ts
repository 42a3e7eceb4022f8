import * as vm from 'node:vm';
import {
  Engine,
  hostRealm,
  jsonCopy,
  objectCopiers,
  rowCopiers,
  type Realm,
} from '../../src/offline/engine';
import {NOW, makeDistrict} from './fixtures';
import {ok, run, runtime} from './helpers';

/** A realm as the runtime builds one: a fresh context's intrinsics and literals. */
function makeRealm(): Realm {
  const {compileRow, ...intrinsics} = vm.runInContext(
    `({Array: Array, Date: Date, Error: Error, Object: Object, JSON: JSON,
       newObject: function () { return {}; }, newArray: function () { return []; },
       compileRow: function (body) { return new Function('s', 'c', body); }})`,
    vm.createContext({}),
  ) as Omit<Realm, 'rowCopier' | 'objectCopier'> & {
    compileRow: Parameters<typeof rowCopiers>[0];
  };
  return {
    ...intrinsics,
    rowCopier: rowCopiers(compileRow),
    objectCopier: objectCopiers(compileRow),
  };
}

/** What the copy must equal: the JSON round trip into the realm. */
const roundTrip = (v: unknown, realm: Realm) =>
  realm.JSON.parse(JSON.stringify(v)) as unknown;

/** Every object and array in `v`, depth first. */
function nodes(v: unknown, out: object[] = []): object[] {
  if (v !== null && typeof v === 'object') {
    out.push(v);
    for (const x of Object.values(v)) nodes(x, out);
  }
  return out;
}

class Money {
  constructor(readonly cents: number) {}
  toJSON(key: string) {
    return {amount: this.cents / 100, key};
  }
}

describe('jsonCopy: JSON.parse(JSON.stringify(v)) into a realm', () => {
  const realm = makeRealm();
  const shared = {email: 'a@x.org'};
  const cases: [string, unknown][] = [
    ['primitives', ['s', 1.5, true, false, null, 0]],
    ['-0, NaN and Infinity', {a: -0, b: NaN, c: Infinity, d: [-Infinity, NaN]}],
    [
      'undefined, functions and symbols: dropped in objects, null in arrays',
      {
        a: undefined,
        f() {},
        s: Symbol('x'),
        list: [undefined, () => 1, Symbol('y')],
      },
    ],
    ['holes', [1, , 3]], // eslint-disable-line no-sparse-arrays
    [
      'dates via toJSON',
      {at: new Date(Date.UTC(2025, 2, 3, 14)), bad: new Date(NaN)},
    ],
    [
      'a toJSON of its own, given its key',
      {price: new Money(250), list: [new Money(5)]},
    ],
    ['boxed primitives', [Object(3), Object('s'), Object(false)]],
    [
      'class instances and Maps: own enumerable properties',
      [new Money(1), new Map([[1, 2]])],
    ],
    [
      'integer-like and __proto__ keys',
      JSON.parse('{"b": 1, "2": 2, "1": 1, "__proto__": {"x": 1}}'),
    ],
    ['shared references', {a: shared, b: [shared, shared]}],
    [
      'nested API-shaped data',
      {
        kind: 'admin#reports#activities',
        items: [
          {
            id: {time: '2025-03-03T14:00:00.000Z', uniqueQualifier: '-12'},
            actor: shared,
            events: [
              {
                name: 'view',
                parameters: [
                  {name: 'n', intValue: '3'},
                  {name: 'm', multiValue: ['a']},
                ],
              },
            ],
          },
        ],
      },
    ],
  ];

  test.each(cases)('%s', (_name, value) => {
    const copy = jsonCopy(value, realm);
    expect(copy).toStrictEqual(roundTrip(value, realm));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    // Every object and array is the realm's own.
    for (const n of nodes(copy)) {
      const proto = Array.isArray(n)
        ? realm.Array.prototype
        : realm.Object.prototype;
      expect(Object.getPrototypeOf(n)).toBe(proto);
      if (Array.isArray(n)) expect(n instanceof realm.Array).toBe(true);
    }
  });

  test('objects of a repeated key list (built by a compiled copier) equal the round trip', () => {
    const realm = makeRealm();
    const row = (i: number) => ({
      name: `n${i}`,
      at: new Date(Date.UTC(2025, 0, 1 + i)),
      n: i % 3 === 0 ? -0 : i,
      gone: i % 2 ? undefined : 'kept',
      f: i % 4 === 0 ? () => 1 : 'fn-less',
      price: new Money(i),
      nested: {a: [i], b: i % 5 === 0 ? NaN : 'b'},
    });
    const rows = Array.from({length: 12}, (_, i) => row(i));
    const copy = jsonCopy(rows, realm) as object[];
    expect(copy).toStrictEqual(roundTrip(rows, realm));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(rows));
    for (const n of nodes(copy)) {
      if (!Array.isArray(n))
        expect(Object.getPrototypeOf(n)).toBe(realm.Object.prototype);
    }
    // __proto__ lists never take the compiled path: still an own property each time.
    const protos = Array.from({length: 6}, () =>
      JSON.parse('{"a": 1, "__proto__": {"x": 1}}'),
    );
    for (const o of jsonCopy(protos, realm) as object[]) {
      expect(Object.getPrototypeOf(o)).toBe(realm.Object.prototype);
      expect(Object.getOwnPropertyNames(o)).toEqual(['a', '__proto__']);
    }
  });

  describe('objects whose copier is found by a for-in walk (no Object.keys list)', () => {
    /** Copies of `make()` after its key list was seen enough times to be compiled. */
    const warmCopy = (realm: Realm, make: () => unknown, v: unknown) => {
      jsonCopy(Array.from({length: 4}, make), realm);
      return jsonCopy(v, realm);
    };
    const same = (realm: Realm, make: () => unknown, v: unknown) => {
      const copy = warmCopy(realm, make, v);
      expect(copy).toStrictEqual(roundTrip(v, realm));
      expect(JSON.stringify(copy)).toBe(JSON.stringify(v));
    };

    test('of finds the copier of the Object.keys list, or none', () => {
      const made: string[] = [];
      const copiers = objectCopiers(body => {
        made.push(body);
        return () => made.length;
      });
      const lists = [
        ['a', 'b'],
        ['a', 'b', 'c'],
        ['a', 'c'],
        ['1', '2', 'z'],
        ['a', 'b', 'c', 'd'],
        ['a', 'x', 'c', 'e'],
      ];
      for (const keys of lists) for (let i = 0; i < 3; i++) copiers(keys);
      const of = (v: object) => copiers.of(v);
      const byKeys = (v: object) => copiers(Object.keys(v));
      const objects: object[] = [
        {a: 1, b: 2},
        {a: 1, x: 2, c: 3, e: 5},
        {a: 1, b: 2, c: 3},
        {a: 1, c: 3},
        {z: 1, 2: 2, 1: 1},
        Object.assign(Object.create(null) as object, {a: 1, b: 2}),
      ];
      for (const v of objects) {
        expect(of(v)).not.toBeNull();
        expect(of(v)).toBe(byKeys(v));
      }
      // Not compiled, or not the same list: none (the caller asks with Object.keys).
      const others = [
        {},
        {a: 1},
        {b: 1, a: 2},
        {a: 1, b: 2, d: 4},
        {c: 1},
        {a: 1, b: 2, c: 3, e: 5},
        {a: 1, x: 2, c: 3, d: 4},
        {a: 1, x: 2, c: 3},
      ];
      for (const v of others) expect(of(v)).toBeNull();
      const hidden = {a: 1, b: 2, c: 3};
      Object.defineProperty(hidden, 'b', {enumerable: false});
      expect(of(hidden)).toBe(byKeys(hidden)); // a, c
      const shrunk: Record<string, number> = {a: 1, b: 2, c: 3};
      delete shrunk.c; // a dictionary-mode object: for-in without the enum cache
      expect(of(shrunk)).toBe(byKeys(shrunk));
    });

    test('key lists sharing their first keys, integer-like keys and changed shapes', () => {
      const realm = makeRealm();
      const make = () => ({id: 'x', n: 1, 2: 'two', 1: 'one', tail: [1]});
      const variants: object[] = [
        make(),
        {id: 'x', n: 1},
        {id: 'x', n: 1, 2: 'two', 1: 'one', tail: [1], more: true},
        {1: 'one', id: 'x', n: 1, 2: 'two', tail: [1]},
        {n: 1, id: 'x', 1: 'one', 2: 'two', tail: [1]},
        Object.assign(Object.create(null) as object, make()),
      ];
      const edited: Record<string, unknown> = make();
      delete edited.n;
      edited.n = 2; // same keys, n now last
      variants.push(edited);
      for (const v of variants) {
        same(realm, make, v);
        same(realm, () => ({id: 'x', n: 1}), v);
      }
      expect(Object.keys(warmCopy(realm, make, make()) as object)).toEqual([
        '1',
        '2',
        'id',
        'n',
        'tail',
      ]);
    });

    test('objects made in the realm, and of a null prototype', () => {
      const realm = makeRealm();
      const inRealm = () => realm.JSON.parse('{"a": 1, "b": {"c": [2]}}');
      same(realm, inRealm, inRealm());
      const bare = () =>
        Object.assign(Object.create(null) as object, {a: 1, b: {c: [2]}});
      same(realm, bare, bare());
    });

    test('an enumerable property on Object.prototype (host or realm) is not copied', () => {
      const realm = makeRealm();
      const make = () => ({a: 1, b: 2});
      jsonCopy(Array.from({length: 4}, make), realm);
      const protos = [Object.prototype, realm.Object.prototype];
      for (const proto of protos as Record<string, unknown>[]) {
        for (const added of [['b'], ['b', 'z']]) {
          try {
            for (const k of added) proto[k] = 'inherited';
            const hidden = {a: 1, b: 2};
            Object.defineProperty(hidden, 'b', {enumerable: false});
            const cases: object[] = [
              {a: 1},
              {a: 1, b: 2},
              hidden,
              realm.JSON.parse('{"a": 1}') as object,
              realm.JSON.parse('{"a": 1, "b": 2}') as object,
            ];
            for (const v of cases) {
              const copy = jsonCopy(v, realm);
              expect(JSON.stringify(copy)).toBe(JSON.stringify(v));
              expect(Object.keys(copy as object)).toEqual(Object.keys(v));
            }
          } finally {
            for (const k of added) delete proto[k];
          }
        }
      }
    });
  });

  test('a toJSON that changes a later member of its list: the later member is read after it', () => {
    const make = () => {
      const list: unknown[] = [];
      list.push({toJSON: () => ((list[1] = 'changed'), 1)}, 'first', 'x');
      return list;
    };
    expect(jsonCopy(make(), realm)).toStrictEqual(roundTrip(make(), realm));
    expect(jsonCopy(make(), realm)).toStrictEqual([1, 'changed', 'x']);
  });

  test('-0 becomes 0, as through the text', () => {
    expect(Object.is((jsonCopy({z: -0}, realm) as {z: number}).z, 0)).toBe(
      true,
    );
  });

  test('__proto__ stays an own property and does not set the prototype', () => {
    const copy = jsonCopy(
      JSON.parse('{"__proto__": {"x": 1}}'),
      realm,
    ) as object;
    expect(Object.getPrototypeOf(copy)).toBe(realm.Object.prototype);
    expect(Object.getOwnPropertyNames(copy)).toEqual(['__proto__']);
  });

  test('toJSON receives the same keys as from JSON.stringify', () => {
    const seen = (copy: (v: unknown) => unknown) => {
      const keys: string[] = [];
      const spy = {toJSON: (k: string) => (keys.push(k), k)};
      copy({a: spy, list: [spy, spy]});
      copy(spy);
      return keys;
    };
    expect(seen(v => jsonCopy(v, realm))).toEqual(seen(v => JSON.stringify(v)));
  });

  test('no shared references: every call returns fresh objects', () => {
    const value = {a: shared, b: [shared], c: {d: [1]}};
    const one = jsonCopy(value, realm) as typeof value;
    const two = jsonCopy(value, realm) as typeof value;
    expect(one.a).not.toBe(two.a);
    expect(one.a).not.toBe(one.b[0]);
    expect(one.a).not.toBe(shared);
    one.c.d.push(2);
    one.a.email = 'changed';
    expect(two.c.d).toEqual([1]);
    expect(value.c.d).toEqual([1]);
    expect(shared.email).toBe('a@x.org');
  });

  test('a frozen host value is copied once per realm, frozen, and equal to the round trip', () => {
    const actor = Object.freeze({email: 'a@x.org', profileId: '1'});
    const realm = makeRealm();
    const a = jsonCopy({actor, n: 1}, realm) as {actor: object};
    const b = jsonCopy({actor, n: 2}, realm) as {actor: object};
    expect(a.actor).toBe(b.actor);
    expect(realm.Object.isFrozen(a.actor)).toBe(true);
    expect(Object.getPrototypeOf(a.actor)).toBe(realm.Object.prototype);
    expect(JSON.stringify(a)).toBe(
      JSON.stringify(roundTrip({actor, n: 1}, realm)),
    );
    // Another execution's realm gets its own copy; unfrozen parents stay fresh.
    const other = jsonCopy({actor}, makeRealm()) as {actor: object};
    expect(other.actor).not.toBe(a.actor);
    expect(a).not.toBe(b);
    expect(realm.Object.isFrozen(a)).toBe(false);
  });

  test('a cycle and a BigInt throw the TypeError JSON.stringify throws', () => {
    const cyclic: Record<string, unknown> = {a: 1};
    cyclic.self = {back: [cyclic]};
    expect(() => jsonCopy(cyclic, realm)).toThrow(TypeError);
    expect(() => jsonCopy(cyclic, realm)).toThrow(/circular/);
    expect(() => jsonCopy({n: 1n}, realm)).toThrow(TypeError);
    expect(() => JSON.stringify({n: 1n})).toThrow(TypeError);
    // The same object twice, side by side, is no cycle.
    const twice = {x: 1};
    expect(jsonCopy([twice, twice], realm)).toStrictEqual(
      roundTrip([twice, twice], realm),
    );
  });

  test('the host realm gets host objects', () => {
    const copy = jsonCopy({a: [1]}, hostRealm) as {a: number[]};
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.a instanceof Array).toBe(true);
  });

  test('Engine.toRealm copies into the running execution realm', () => {
    const engine = new Engine({
      startTime: NOW,
      executionLimitMs: 360_000,
      costs: {
        calls: {},
        perCellRead: 0,
        perCellWrite: 0,
        perApiItem: 0,
        cpuFactor: 0,
      },
      faults: {},
      userEmail: 'a@x.org',
    });
    const ex = engine.begin({fnName: 'f', realm});
    const copy = engine.toRealm({list: [{a: 1}]});
    engine.end(ex);
    expect(copy.list instanceof realm.Array).toBe(true);
    expect(Object.getPrototypeOf(copy.list[0])).toBe(realm.Object.prototype);
    expect(engine.toRealm(undefined)).toBeUndefined();
  });
});

describe('API responses inside an execution', () => {
  test('are objects of the script realm, fresh on every call', () => {
    // Free calls keep the clock still, so the three calls see the same window.
    const rt = runtime({
      data: makeDistrict({loginsPerDay: 8}),
      startTime: NOW,
      costs: {calls: {'AdminReports.*': 0}, perApiItem: 0},
    });
    const res = ok(
      run(
        rt,
        `var args = {startTime: new Date(Date.now() - 5 * 864e5).toISOString(), maxResults: 5};
        var a = AdminReports.Activities.list('all', 'login', args);
        var b = AdminReports.Activities.list('all', 'login', args);
        var item = a.items[0];
        var fresh = a.items !== b.items && item !== b.items[0] && item.actor !== b.items[0].actor;
        item.actor.email = 'changed';
        var c = AdminReports.Activities.list('all', 'login', args);
        return [a.items instanceof Array, Object.getPrototypeOf(item) === Object.prototype,
                item.events instanceof Array, item.id.constructor === Object, fresh,
                c.items[0].actor.email !== 'changed', JSON.stringify(b) === JSON.stringify(c)];`,
      ),
    );
    expect(res).toEqual([true, true, true, true, true, true, true]);
  });
});
