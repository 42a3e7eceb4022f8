import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ok, run, runtime} from './helpers';

describe('Utilities', () => {
  test('formatDate follows SimpleDateFormat in the given zone, with DST', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `var f = function (ms, tz, p) { return Utilities.formatDate(new Date(ms), tz, p); };
         return [
           f(Date.UTC(2025, 2, 9, 6, 59, 59), 'America/New_York', "yyyy-MM-dd'T'HH:mm:ss z"),
           f(Date.UTC(2025, 2, 9, 7, 0, 0), 'America/New_York', "yyyy-MM-dd'T'HH:mm:ss z"),
           f(Date.UTC(2025, 10, 2, 6, 30), 'America/New_York', 'HH:mm XXX'),
           f(Date.UTC(2025, 0, 5, 0, 0), 'America/Los_Angeles', 'EEE, d MMM yyyy h:mm a Z'),
           f(Date.UTC(2024, 11, 31, 12), 'UTC', "w D u EEEE MMMM ''yy"),
           f(Date.UTC(2025, 5, 1, 12), 'GMT+5:30', 'yyyy-MM-dd HH:mm X'),
           f(Date.UTC(2025, 5, 1, 12, 0, 0, 7), 'Europe/London', 'HH:mm:ss.SSS zzzz'),
         ];`,
      ),
    );
    expect(res).toEqual([
      '2025-03-09T01:59:59 EST',
      '2025-03-09T03:00:00 EDT',
      '01:30 -05:00',
      'Sat, 4 Jan 2025 4:00 PM -0800',
      "1 366 2 Tuesday December '24",
      '2025-06-01 17:30 +05',
      '13:00:00.007 British Summer Time',
    ]);
  });

  test('formatDate rejects a non-date the way Apps Script does', () => {
    const rt = runtime();
    expect(
      run(rt, "Utilities.formatDate('2025-01-01', 'UTC', 'yyyy');").error
        ?.message,
    ).toBe(
      "The parameters (String,String,String) don't match the method signature for Utilities.formatDate.",
    );
  });

  test('HMAC-SHA256 returns signed bytes (RFC 4231 test case 2)', () => {
    const rt = runtime();
    const bytes = ok(
      run(
        rt,
        "var b = Utilities.computeHmacSha256Signature('what do ya want for nothing?', 'Jefe'); return [b instanceof Array, b];",
      ),
    ) as [boolean, number[]];
    expect(bytes[0]).toBe(true);
    const hex = bytes[1]
      .map(b => ((b + 256) % 256).toString(16).padStart(2, '0'))
      .join('');
    expect(hex).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(Math.min(...bytes[1])).toBeGreaterThanOrEqual(-128);
    expect(Math.max(...bytes[1])).toBeLessThanOrEqual(127);
    expect(bytes[1].some(b => b < 0)).toBe(true);
  });

  test('digests, base64 and blobs', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `var md5 = Utilities.computeDigest(Utilities.DigestAlgorithm.MD5, '');
         var enc = Utilities.base64Encode('héllo');
         var dec = Utilities.newBlob(Utilities.base64Decode(enc)).getDataAsString();
         return [md5.length, md5[0], enc, dec, Utilities.base64EncodeWebSafe([-5, -1, 62]), Utilities.newBlob('abc', 'text/csv', 'x.csv').getBytes()];`,
      ),
    );
    // MD5('') = d41d8cd9...; 0xd4 as a signed byte is -44.
    expect(res).toEqual([16, -44, 'aMOpbGxv', 'héllo', '-_8-', [97, 98, 99]]);
  });

  test('parseCsv reads quoted fields, doubled quotes and line breaks', () => {
    const rt = runtime();
    const csv = 'id,name,note\r\n1,"Smith, J","said ""hi""\nthen left"\n2,,\n';
    expect(ok(run(rt, 'return Utilities.parseCsv(a);', [csv]))).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Smith, J', 'said "hi"\nthen left'],
      ['2', '', ''],
    ]);
    expect(ok(run(rt, "return Utilities.parseCsv('a;b\\n1;2', ';');"))).toEqual(
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    );
  });

  test('sleep is simulated and bounded', () => {
    const rt = runtime();
    const t0 = rt.clock.now();
    ok(run(rt, 'Utilities.sleep(250000);'));
    expect(rt.clock.now() - t0).toBe(250_000);
    expect(run(rt, 'Utilities.sleep(300001);').error?.message).toBe(
      'Invalid argument: milliseconds',
    );
  });
});

describe('Session, HtmlService, MailApp, Logger, DriveApp', () => {
  test('Session reports the script time zone and the running user', () => {
    const rt = runtime({
      timeZone: 'America/Chicago',
      userEmail: 'it@district.example.org',
    });
    expect(
      ok(
        run(
          rt,
          'return [Session.getScriptTimeZone(), Session.getActiveUser().getEmail(), Session.getEffectiveUser().getEmail(), SpreadsheetApp.getActiveSpreadsheet().getSpreadsheetTimeZone()];',
        ),
      ),
    ).toEqual([
      'America/Chicago',
      'it@district.example.org',
      'it@district.example.org',
      'America/Chicago',
    ]);
  });

  test('HtmlService serves files from the configured directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'html-'));
    writeFileSync(
      join(dir, 'sidebar.html'),
      '<p>Hi <?= user.name ?> <?!= raw ?></p>',
    );
    const rt = runtime({htmlDir: dir});
    const res = ok(
      run(
        rt,
        `var t = HtmlService.createTemplateFromFile('sidebar');
         t.user = {name: '<b>Ann</b>'}; t.raw = '<i>x</i>';
         var out = t.evaluate().setTitle('Pulse').setWidth(320);
         SpreadsheetApp.getUi().showSidebar(out);
         return [out.getContent(), out.getTitle(), out.getWidth()];`,
      ),
    );
    expect(res).toEqual([
      '<p>Hi &lt;b&gt;Ann&lt;/b&gt; <i>x</i></p>',
      'Pulse',
      320,
    ]);
    expect(rt.ui.sidebars).toEqual([
      {
        title: 'Pulse',
        html: '<p>Hi &lt;b&gt;Ann&lt;/b&gt; <i>x</i></p>',
        width: 320,
      },
    ]);
    expect(
      run(rt, "HtmlService.createHtmlOutputFromFile('missing');").error
        ?.message,
    ).toBe('No HTML file named missing was found.');
  });

  test('MailApp captures mail, counts recipients and enforces the daily quota', () => {
    const rt = runtime({mailQuota: 3});
    ok(
      run(
        rt,
        `MailApp.sendEmail('a@x.org', 'Alert', 'Body');
         MailApp.sendEmail({to: 'b@x.org', cc: 'c@x.org', subject: 'Weekly', htmlBody: '<b>hi</b>'});`,
      ),
    );
    expect(rt.mail.map(m => [m.to, m.cc, m.subject])).toEqual([
      ['a@x.org', '', 'Alert'],
      ['b@x.org', 'c@x.org', 'Weekly'],
    ]);
    expect(ok(run(rt, 'return MailApp.getRemainingDailyQuota();'))).toBe(0);
    expect(
      run(rt, "MailApp.sendEmail('d@x.org', 's', 'b');").error?.message,
    ).toBe('Service invoked too many times for one day: email.');
    expect(
      run(rt, "MailApp.sendEmail('not-an-address', 's', 'b');").error?.message,
    ).toBe('Invalid email: not-an-address');
    rt.clock.advance(86_400_000);
    expect(ok(run(rt, 'return MailApp.getRemainingDailyQuota();'))).toBe(3);
  });

  test('Logger and console are captured per execution', () => {
    const rt = runtime();
    const r = run(
      rt,
      "Logger.log('n=%s', 3); console.warn('careful', {a: 1}); return Logger.getLog();",
    );
    expect(ok(r)).toBe('n=3');
    expect(rt.logs.map(l => [l.level, l.message])).toEqual([
      ['logger', 'n=3'],
      ['warn', 'careful {"a":1}'],
    ]);
  });

  test('DriveApp lists the files of a folder', () => {
    const rt = runtime({
      drive: {
        folders: {
          F1: {
            name: 'LearnPlatform',
            files: [
              {
                name: 'engagement.csv',
                mimeType: 'text/csv',
                content: 'a,b\n1,2\n',
              },
              {
                name: 'districts.csv',
                mimeType: 'text/csv',
                content: new Uint8Array([120, 10]),
              },
            ],
          },
        },
      },
    });
    const res = ok(
      run(
        rt,
        `var it = DriveApp.getFolderById('F1').getFiles(), out = [];
         while (it.hasNext()) { var f = it.next(); out.push([f.getName(), f.getSize(), f.getBlob().getDataAsString()]); }
         var byName = DriveApp.getFolderById('F1').getFilesByName('districts.csv');
         out.push(byName.hasNext() && byName.next().getMimeType());
         try { it.next(); } catch (e) { out.push(e.message); }
         return out;`,
      ),
    );
    expect(res).toEqual([
      ['engagement.csv', 8, 'a,b\n1,2\n'],
      ['districts.csv', 2, 'x\n'],
      'text/csv',
      'Cannot retrieve the next object: iterator has reached the end.',
    ]);
    expect(run(rt, "DriveApp.getFolderById('nope');").error?.message).toBe(
      'No item with the given ID could be found, or you do not have permission to access it.',
    );
  });
});
