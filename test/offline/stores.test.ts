import {ok, run, runtime} from './helpers';

const PROPS = 'var p = PropertiesService.getScriptProperties();';

describe('PropertiesService limits', () => {
  test('a value over 9 KB is refused and the old value kept', () => {
    const rt = runtime();
    const r = run(
      rt,
      `${PROPS}
      p.setProperty('cursor', 'old');
      p.setProperty('ok', new Array(9 * 1024 + 1).join('x'));   // exactly 9216 bytes
      try { p.setProperty('cursor', new Array(9 * 1024 + 2).join('x')); } catch (e) { return [e.name, e.message, p.getProperty('cursor')]; }
      return 'accepted';`,
    );
    expect(ok(r)).toEqual(['Exception', 'Argument too large: value', 'old']);
    expect(rt.properties.script.getProperty('ok')!.length).toBe(9216);
  });

  test('multi-byte characters count as bytes', () => {
    const rt = runtime();
    // 4700 x 2-byte characters = 9400 bytes > 9216.
    const r = run(
      rt,
      `${PROPS} p.setProperty('k', new Array(4701).join('é'));`,
    );
    expect(r.error?.message).toBe('Argument too large: value');
  });

  test('the store holds at most 500 KB; a failed write changes nothing', () => {
    const rt = runtime();
    const r = run(
      rt,
      `${PROPS}
      var v = new Array(9001).join('y');
      var n = 0;
      try { for (;;) { p.setProperty('k' + n, v); n++; } }
      catch (e) { return [e.message, n, p.getKeys().length]; }`,
    );
    const [message, n, keys] = ok(r) as [string, number, number];
    expect(message).toBe(
      'You have exceeded the property storage quota. Please remove some properties and try again.',
    );
    // Each property is 9000 bytes of value plus its key: 56 fit under 512,000 bytes.
    expect(n).toBe(56);
    expect(keys).toBe(56);
    expect(rt.properties.script.size()).toBeLessThanOrEqual(500 * 1024);
    // setProperties is all or nothing.
    const r2 = run(
      rt,
      `${PROPS} var z = new Array(9001).join('z'); p.setProperties({k0: 'small', extra1: z, extra2: z});`,
    );
    expect(r2.error?.message).toContain('property storage quota');
    expect(rt.properties.script.getProperty('k0')!.length).toBe(9000);
    expect(rt.properties.script.getProperty('extra1')).toBeNull();
  });

  test('values are strings; stores are separate; getProperties is a copy', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `PropertiesService.getDocumentProperties().setProperty('n', 5);
         PropertiesService.getUserProperties().setProperty('n', true);
         var all = PropertiesService.getDocumentProperties().getProperties();
         all.n = 'changed';
         return [PropertiesService.getDocumentProperties().getProperty('n'),
                 PropertiesService.getUserProperties().getProperty('n'),
                 PropertiesService.getScriptProperties().getProperty('n')];`,
      ),
    );
    expect(res).toEqual(['5', 'true', null]);
  });
});

describe('CacheService', () => {
  test('limits on keys and values', () => {
    const rt = runtime();
    const msg = (body: string) =>
      run(rt, `var c = CacheService.getScriptCache(); ${body}`).error?.message;
    expect(msg("c.put(new Array(252).join('k'), 'v');")).toBe(
      'Argument too large: key',
    );
    expect(msg("c.put('k', new Array(100 * 1024 + 2).join('v'));")).toBe(
      'Argument too large: value',
    );
    expect(
      msg("c.put('k', new Array(100 * 1024 + 1).join('v'));"),
    ).toBeUndefined();
  });

  test('entries expire on the simulated clock, at most after 6 hours', () => {
    const rt = runtime();
    ok(
      run(
        rt,
        `var c = CacheService.getScriptCache();
         c.put('short', 'a', 60); c.put('dflt', 'b'); c.put('long', 'c', 86400);
         c.putAll({x: '1', y: '2'}, 120);`,
      ),
    );
    const get = () =>
      ok(
        run(
          rt,
          "var c = CacheService.getScriptCache(); return [c.get('short'), c.get('dflt'), c.get('long'), c.getAll(['x', 'y', 'z'])];",
        ),
      );
    expect(get()).toEqual(['a', 'b', 'c', {x: '1', y: '2'}]);
    rt.clock.advance(61_000);
    expect(get()).toEqual([null, 'b', 'c', {x: '1', y: '2'}]);
    rt.clock.advance(600_000);
    expect(get()).toEqual([null, null, 'c', {}]);
    rt.clock.advance(6 * 3_600_000);
    expect(get()).toEqual([null, null, null, {}]);
  });
});

describe('LockService: mutual exclusion between executions', () => {
  const CODE = `
    function holder() {
      var lock = LockService.getScriptLock();
      if (!lock.tryLock(1000)) return 'busy';
      PropertiesService.getScriptProperties().setProperty('step', 'holding');
      return 'done';
    }
    function contender() {
      var lock = LockService.getScriptLock();
      var t0 = Date.now();
      var got = lock.tryLock(5000);
      return [got, Date.now() - t0, lock.hasLock()];
    }
    function waiter() {
      LockService.getScriptLock().waitLock(2000);
      return 'got it';
    }`;

  test('an execution that holds the lock blocks another until it ends', () => {
    const rt = runtime();
    const inner: unknown[] = [];
    // While `holder` is suspended inside its setProperty call, `contender` runs.
    rt.onServiceCall = name => {
      if (name === 'Properties.setProperty' && inner.length === 0) {
        inner.push(rt.execute(CODE, 'contender'));
        inner.push(rt.execute(CODE, 'waiter'));
      }
    };
    const a = rt.execute(CODE, 'holder');
    rt.onServiceCall = undefined;
    expect(a.result).toBe('done');
    const [b, c] = inner as {result?: unknown; error?: {message: string}}[];
    // tryLock waited its full 5 s of simulated time and failed.
    expect(b.result).toEqual([false, 5000 + 20, false]);
    expect(c.error?.message).toBe(
      'Lock timeout: another process was holding the lock for too long.',
    );
    // The holder's lock went with its execution.
    expect(rt.locks.isHeld('script')).toBe(false);
    expect(ok(rt.execute(CODE, 'contender'))).toEqual([true, 20, true]);
  });

  test('a lock held by another process is granted when that process lets go', () => {
    const rt = runtime();
    rt.locks.hold('script', 3000);
    const r = rt.execute(CODE, 'contender');
    // Granted when the 3 s hold lapses (the call's own 20 ms included), within the 5 s allowed.
    expect(ok(r)).toEqual([true, 3000, true]);
    rt.locks.hold('script', 10_000);
    expect(rt.execute(CODE, 'waiter').error?.message).toBe(
      'Lock timeout: another process was holding the lock for too long.',
    );
  });

  test('user locks are per user; document and script locks are distinct', () => {
    const rt = runtime();
    rt.locks.hold('user:a@district.example.org', 60_000);
    const code =
      'function f() { return [LockService.getUserLock().tryLock(0), LockService.getDocumentLock().tryLock(0), LockService.getScriptLock().tryLock(0)]; }';
    expect(
      ok(rt.execute(code, 'f', [], {userEmail: 'a@district.example.org'})),
    ).toEqual([false, true, true]);
    expect(
      ok(rt.execute(code, 'f', [], {userEmail: 'b@district.example.org'})),
    ).toEqual([true, true, true]);
  });
});
