/**
 * Derives test/fixtures/google-contract.json from Google's generated API clients
 * (@googleapis/admin, @googleapis/classroom, and BigQuery v2 from googleapis), read with
 * the TypeScript compiler API: for each method the product or the fakes use, its
 * parameters (type, required, pattern, default) and the schema tree of its response.
 * Facts the generated clients drop (query-parameter enums, numeric limits, schema enums)
 * come from scripts/google-contract-facts.json, each with the reference page it was read
 * from. Run with `npm run contract`; the output is committed, never built by `npm test`
 * (`--check` only compares it with what the installed clients give).
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const OUT = join(root, 'test/fixtures/google-contract.json');
const FACTS = join(root, 'scripts/google-contract-facts.json');

/** The generated client files, by API. */
const APIS = {
  reports_v1: {pkg: '@googleapis/admin', file: 'build/reports_v1'},
  directory_v1: {pkg: '@googleapis/admin', file: 'build/directory_v1'},
  classroom_v1: {pkg: '@googleapis/classroom', file: 'build/v1'},
  bigquery_v2: {pkg: 'googleapis', file: 'build/src/apis/bigquery/v2'},
};

/**
 * Methods the product calls, and those the fakes serve besides: contract id, Apps Script
 * name, API, generated resource class (`Resource$<name>`) and method.
 */
const METHODS = [
  'reports.activities.list AdminReports.Activities.list reports_v1 Activities list',
  'reports.userUsageReport.get AdminReports.UserUsageReport.get reports_v1 Userusagereport get',
  'reports.customerUsageReports.get AdminReports.CustomerUsageReports.get reports_v1 Customerusagereports get',
  'directory.orgunits.list AdminDirectory.Orgunits.list directory_v1 Orgunits list',
  'directory.users.list AdminDirectory.Users.list directory_v1 Users list',
  'directory.users.get AdminDirectory.Users.get directory_v1 Users get',
  'classroom.courses.list Classroom.Courses.list classroom_v1 Courses list',
  'classroom.courses.get Classroom.Courses.get classroom_v1 Courses get',
  'classroom.courses.teachers.list Classroom.Courses.Teachers.list classroom_v1 Courses$Teachers list',
  'classroom.courses.students.list Classroom.Courses.Students.list classroom_v1 Courses$Students list',
  'classroom.courses.courseWork.list Classroom.Courses.CourseWork.list classroom_v1 Courses$Coursework list',
  'classroom.courses.courseWork.studentSubmissions.list Classroom.Courses.CourseWork.StudentSubmissions.list classroom_v1 Courses$Coursework$Studentsubmissions list',
  'classroom.courses.announcements.list Classroom.Courses.Announcements.list classroom_v1 Courses$Announcements list',
  'bigquery.jobs.query BigQuery.Jobs.query bigquery_v2 Jobs query',
  'bigquery.jobs.getQueryResults BigQuery.Jobs.getQueryResults bigquery_v2 Jobs getQueryResults',
].map(row => row.split(' '));

function version(pkg) {
  return JSON.parse(
    readFileSync(require.resolve(`${pkg}/package.json`), 'utf8'),
  ).version;
}

function parse(path) {
  return ts.createSourceFile(
    path,
    readFileSync(path, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
}

/** Every node of a tree, depth first. */
function* walk(node) {
  yield node;
  for (const c of node.getChildren()) yield* walk(c);
}

function jsDocText(node) {
  return (ts.getJSDocCommentsAndTags(node) ?? [])
    .filter(ts.isJSDoc)
    .map(d =>
      typeof d.comment === 'string'
        ? d.comment
        : (ts.getTextOfJSDocComment(d.comment) ?? ''),
    )
    .join('\n')
    .trim();
}

function decode(s) {
  return s
    .replace(/&#92;/g, '\\')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** One API's declarations: interfaces by name, classes' methods, and the JS call metadata. */
function loadApi(api) {
  const {pkg, file} = APIS[api];
  const base = join(dirname(require.resolve(`${pkg}/package.json`)), file);
  const dts = parse(`${base}.d.ts`);
  const js = parse(`${base}.js`);
  const interfaces = new Map();
  const methods = new Map();
  for (const n of walk(dts)) {
    if (ts.isInterfaceDeclaration(n)) interfaces.set(n.name.text, n);
    if (ts.isClassDeclaration(n) && n.name) {
      for (const m of n.members) {
        if (!ts.isMethodDeclaration(m) || !m.name) continue;
        const k = `${n.name.text}.${m.name.getText()}`;
        if (!methods.has(k)) methods.set(k, []);
        methods.get(k).push(m);
      }
    }
  }
  const calls = new Map();
  for (const n of walk(js)) {
    if (!ts.isClassDeclaration(n) || !n.name) continue;
    for (const m of n.members) {
      if (!ts.isMethodDeclaration(m) || !m.name) continue;
      const meta = {};
      for (const p of walk(m)) {
        if (!ts.isPropertyAssignment(p)) continue;
        const key = p.name.getText();
        if (
          (key === 'requiredParams' || key === 'pathParams') &&
          ts.isArrayLiteralExpression(p.initializer)
        ) {
          meta[key] = p.initializer.elements.map(e => e.text);
        }
        if (key === 'method' && ts.isStringLiteral(p.initializer))
          meta.httpMethod = p.initializer.text;
        if (key === 'url') {
          const s = [...walk(p.initializer)].find(
            x => ts.isStringLiteral(x) && x.text.startsWith('/'),
          );
          if (s) meta.path = s.text;
        }
      }
      calls.set(`${n.name.text}.${m.name.getText()}`, meta);
    }
  }
  return {interfaces, methods, calls, version: version(pkg), pkg};
}

/** The patterns the generated sample call shows for each parameter (`name: 'pattern'`). */
function samplePatterns(doc) {
  const out = {};
  const call = /await [\w.]+\(\{([\s\S]*?)\n\s*\*?\s*\}\);/.exec(doc);
  if (!call) return out;
  const body = call[1].replace(/^\s*\*/gm, '');
  for (const m of body.matchAll(
    /^\s*([\w$]+):\s*\n?\s*'((?:[^'\\]|\\.)*)',/gm,
  )) {
    const [, name, value] = m;
    if (value !== 'placeholder-value' && !/^my_/.test(value))
      out[name] = decode(value);
  }
  return out;
}

/** What a parameter's description says of its default and limits. */
function textFacts(doc) {
  const f = {};
  const def =
    /[Tt]he default(?: value)? is `?(\d+)`?/.exec(doc) ??
    /default(?:s)? to `?(\d+)`?/.exec(doc);
  if (def) f.default = Number(def[1]);
  const max =
    /[Mm]aximum(?: allowed)? value is (\d+)/.exec(doc) ??
    /default and maximum (?:value )?is (\d+)/.exec(doc);
  if (max) f.maximum = Number(max[1]);
  const values = enumOf(doc);
  if (values) f.enum = values;
  return f;
}

const WORD = '`?[A-Z][A-Z0-9_]*`?';
const words = s => [...s.matchAll(/[A-Z][A-Z0-9_]*/g)].map(x => x[0]);

/**
 * The closed list of values a description gives, in the shapes Google's descriptions use:
 * `Possible values if not empty: - A - B`, `Possible values include: * A * B (or C)`,
 * `Possible values include A, B and C`, `Possible values can be: A: ... B: ...`,
 * and `Allowed values are \`a\` and \`b\``. None when the description gives no list.
 */
function enumOf(doc) {
  const lead = /(?:Possible|Acceptable|Allowed) values/.source;
  let m = new RegExp(`${lead} if not empty:((?:\\s*-\\s*${WORD})+)`).exec(doc);
  if (!m)
    m = new RegExp(
      `${lead}(?: include| are)?:((?:\\s*\\*\\s*${WORD}(?:\\s*\\(or ${WORD}\\))?(?=\\s*\\*|\\s+[A-Z][a-z]|\\.|$)){2,})`,
    ).exec(doc);
  if (!m)
    m = new RegExp(
      `${lead} (?:include|are) (${WORD}(?:,\\s*${WORD})*,?\\s+(?:and|or)\\s+${WORD})`,
    ).exec(doc);
  if (m) return words(m[1]);
  m = new RegExp(`${lead} can be:((?:\\s*[A-Z][A-Z0-9_]*:[^.]*\\.)+)`).exec(
    doc,
  );
  if (m) return [...m[1].matchAll(/([A-Z][A-Z0-9_]*):/g)].map(x => x[1]);
  m = /Allowed values are ((?:`[\w-]+`(?:,\s*|,?\s+and\s+))+`[\w-]+`)/.exec(
    doc,
  );
  if (m) return [...m[1].matchAll(/`([\w-]+)`/g)].map(x => x[1]);
  return undefined;
}

/** A TypeScript type node as a contract type. */
function typeOf(node, api, refs) {
  if (!node) return {type: 'any'};
  if (ts.isParenthesizedTypeNode(node)) return typeOf(node.type, api, refs);
  if (ts.isUnionTypeNode(node)) {
    const parts = node.types.filter(
      t =>
        !(
          ts.isLiteralTypeNode(t) &&
          t.literal.kind === ts.SyntaxKind.NullKeyword
        ),
    );
    const out =
      parts.length === 1 ? typeOf(parts[0], api, refs) : {type: 'any'};
    if (parts.length < node.types.length) out.nullable = true;
    return out;
  }
  if (ts.isArrayTypeNode(node))
    return {type: 'array', items: typeOf(node.elementType, api, refs)};
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (name === 'Array' && node.typeArguments?.length)
      return {type: 'array', items: typeOf(node.typeArguments[0], api, refs)};
    if (name.startsWith('Schema$')) {
      refs.add(name);
      return {type: 'object', ref: `${api}.${name.slice(7)}`};
    }
    return {type: 'any'};
  }
  if (ts.isTypeLiteralNode(node)) {
    const index = node.members.find(ts.isIndexSignatureDeclaration);
    if (index) return {type: 'map', values: typeOf(index.type, api, refs)};
    return {type: 'object', fields: fieldsOf(node.members, api, refs)};
  }
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return {type: 'string'};
    case ts.SyntaxKind.NumberKeyword:
      return {type: 'number'};
    case ts.SyntaxKind.BooleanKeyword:
      return {type: 'boolean'};
    default:
      return {type: 'any'};
  }
}

function fieldsOf(members, api, refs) {
  const out = {};
  for (const m of members) {
    if (!ts.isPropertySignature(m) || !m.name) continue;
    const name = m.name.getText().replace(/^'|'$/g, '');
    const t = typeOf(m.type, api, refs);
    const facts = textFacts(jsDocText(m));
    if (facts.enum) t.enum = facts.enum;
    out[name] = t;
  }
  return out;
}

const apis = {};
const loaded = name => (apis[name] ??= loadApi(name));
const facts = JSON.parse(readFileSync(FACTS, 'utf8'));
const contract = {
  generatedBy: 'scripts/contract.mjs (npm run contract)',
  sources: {},
  standardParameters: [],
  methods: {},
  schemas: {},
};

const standard = new Set();
const pending = [];
for (const [id, appsScript, api, resource, method] of METHODS) {
  const A = loaded(api);
  const overloads = A.methods.get(`Resource$${resource}.${method}`);
  if (!overloads)
    throw new Error(`${id}: no Resource$${resource}.${method} in ${A.pkg}`);
  const params = A.interfaces.get(
    `Params$Resource$${resource}$${method[0].toUpperCase()}${method.slice(1).toLowerCase()}`,
  );
  if (!params) throw new Error(`${id}: no parameter interface`);
  const doc = overloads
    .map(o =>
      ts
        .getJSDocCommentsAndTags(o)
        .map(d => d.getText())
        .join('\n'),
    )
    .join('\n');
  const patterns = samplePatterns(doc);
  const promised = overloads
    .map(o => o.type?.getText() ?? '')
    .map(t => /Promise<GaxiosResponseWithHTTP2<Schema\$(\w+)>>/.exec(t)?.[1])
    .find(Boolean);
  const meta = A.calls.get(`Resource$${resource}.${method}`) ?? {};
  const refs = new Set();
  const parameters = {};
  let body;
  for (const m of params.members) {
    if (!ts.isPropertySignature(m)) continue;
    const name = m.name.getText();
    if (name === 'requestBody') {
      body = typeOf(m.type, api, refs).ref;
      continue;
    }
    const p = typeOf(m.type, api, refs);
    if (meta.requiredParams?.includes(name)) p.required = true;
    if (meta.pathParams?.includes(name)) p.location = 'path';
    if (patterns[name]) p.pattern = patterns[name];
    Object.assign(p, textFacts(jsDocText(m)));
    parameters[name] = p;
  }
  const std = A.interfaces.get('StandardParameters');
  for (const m of std?.members ?? []) {
    if (ts.isPropertySignature(m) && m.name.getText() !== 'auth')
      standard.add(m.name.getText().replace(/^'|'$/g, ''));
  }
  const positional = [
    ...(body ? ['requestBody'] : []),
    ...(meta.requiredParams ?? []),
  ];
  const entry = {
    appsScript,
    api: `${A.pkg}@${A.version} ${api}`,
    http:
      meta.httpMethod && meta.path
        ? `${meta.httpMethod} ${meta.path}`
        : undefined,
    positional,
    parameters,
    requestBody: body,
    response: promised ? `${api}.${promised}` : undefined,
  };
  for (const [k, v] of Object.entries(facts.methods?.[id]?.parameters ?? {})) {
    const p = parameters[k];
    if (!p) throw new Error(`${id}: facts name an unknown parameter ${k}`);
    // A repeated parameter's enum is that of each of its values.
    const {enum: values, ...rest} = v;
    Object.assign(p, rest);
    if (values) (p.type === 'array' ? p.items : p).enum = values;
  }
  if (facts.methods?.[id]?.note) entry.note = facts.methods[id].note;
  contract.methods[id] = entry;
  if (promised) pending.push([api, `Schema$${promised}`]);
  for (const r of refs) pending.push([api, r]);
  contract.sources[A.pkg] = A.version;
}
contract.standardParameters = [...standard].sort();

// The schema closure of every request body and response.
while (pending.length) {
  const [api, name] = pending.pop();
  const key = `${api}.${name.slice(7)}`;
  if (contract.schemas[key]) continue;
  const decl = loaded(api).interfaces.get(name);
  if (!decl) throw new Error(`${key}: not declared`);
  const refs = new Set();
  contract.schemas[key] = {fields: fieldsOf(decl.members, api, refs)};
  for (const r of refs) pending.push([api, r]);
}
for (const [path, v] of Object.entries(facts.schemas ?? {})) {
  const i = path.lastIndexOf('.');
  const field = contract.schemas[path.slice(0, i)]?.fields?.[path.slice(i + 1)];
  if (!field) throw new Error(`facts name an unknown schema field ${path}`);
  const target = field.type === 'array' ? field.items : field;
  Object.assign(target, v);
}

contract.sources.typescript = ts.version;
contract.references = facts.references;
const sorted = Object.fromEntries(
  Object.entries(contract.schemas).sort(([a], [b]) => (a < b ? -1 : 1)),
);
contract.schemas = sorted;
const text = `${JSON.stringify(contract, null, 1)}\n`;
if (process.argv.includes('--check')) {
  // For tests: the committed contract is what the pinned clients give.
  const same = readFileSync(OUT, 'utf8') === text;
  if (!same)
    console.error(
      `${OUT} differs from the installed clients: run npm run contract`,
    );
  process.exit(same ? 0 : 1);
}
writeFileSync(OUT, text);
console.log(
  `${OUT}: ${Object.keys(contract.methods).length} methods, ${Object.keys(contract.schemas).length} schemas from ${Object.entries(
    contract.sources,
  )
    .map(([k, v]) => `${k}@${v}`)
    .join(', ')}`,
);
