/**
 * Holds advanced-service calls to test/fixtures/google-contract.json (derived from
 * Google's generated clients by scripts/contract.mjs): a request names only parameters
 * its method defines, with values of the right type, pattern, enum and range; a response
 * has only the fields its schema defines, with the right types and enum values.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ApiCall} from '../../src/offline/runtime';

export interface FieldType {
  type: 'string' | 'number' | 'boolean' | 'array' | 'map' | 'object' | 'any';
  nullable?: boolean;
  items?: FieldType;
  values?: FieldType;
  ref?: string;
  fields?: Record<string, FieldType>;
  enum?: string[];
}

export interface Parameter extends FieldType {
  required?: boolean;
  location?: 'path';
  pattern?: string;
  minimum?: number;
  maximum?: number;
  default?: number;
}

export interface Method {
  appsScript: string;
  api: string;
  http?: string;
  positional: string[];
  parameters: Record<string, Parameter>;
  requestBody?: string;
  response?: string;
}

export interface Contract {
  sources: Record<string, string>;
  standardParameters: string[];
  methods: Record<string, Method>;
  schemas: Record<string, {fields: Record<string, FieldType>}>;
}

export const CONTRACT_PATH = join(
  __dirname,
  '..',
  'fixtures',
  'google-contract.json',
);

export function loadContract(): Contract {
  return JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as Contract;
}

/** What the contract says is wrong with one call. */
export interface Violation {
  method: string;
  /** Where: `request.<param>` or `response.<path>` (list indices as [i]). */
  at: string;
  problem: string;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined
    ? String(v)
    : s.length > 80
      ? `${s.slice(0, 77)}...`
      : s;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export class ContractChecker {
  private readonly byName = new Map<string, [string, Method]>();
  private readonly patterns = new Map<string, RegExp>();

  constructor(readonly contract: Contract = loadContract()) {
    for (const [id, m] of Object.entries(contract.methods))
      this.byName.set(m.appsScript, [id, m]);
  }

  /** Every violation of one observed call (a thrown error is checked as a request only). */
  check(call: ApiCall): Violation[] {
    const found = this.byName.get(call.method);
    if (!found) {
      return [
        {method: call.method, at: 'method', problem: 'not in the contract'},
      ];
    }
    const [id, m] = found;
    const out: Violation[] = [];
    const add = (at: string, problem: string) =>
      out.push({method: id, at, problem});
    this.checkRequest(m, call.args, add);
    if (!('error' in call) && m.response) {
      this.checkValue(
        {type: 'object', ref: m.response},
        call.response,
        'response',
        add,
      );
    }
    return out;
  }

  /** The Apps Script signature: required parameters in order (a body first), then optionalArgs. */
  checkRequest(
    m: Method,
    args: unknown[],
    add: (at: string, problem: string) => void,
  ): void {
    const n = m.positional.length;
    m.positional.forEach((name, i) => {
      const v = args[i];
      if (name === 'requestBody') {
        this.checkValue(
          {type: 'object', ref: m.requestBody},
          v,
          'request.body',
          add,
        );
        return;
      }
      if (v === undefined || v === null || v === '') {
        add(`request.${name}`, 'required parameter missing');
        return;
      }
      this.checkParam(name, m.parameters[name], v, add);
    });
    if (args.length > n + 1)
      add('request', `${args.length} arguments; the method takes ${n + 1}`);
    const opt = args[n];
    if (opt === undefined || opt === null) return;
    if (kindOf(opt) !== 'object') {
      add('request.optionalArgs', `expected an object, got ${kindOf(opt)}`);
      return;
    }
    for (const [name, v] of Object.entries(opt as Record<string, unknown>)) {
      if (v === undefined) continue;
      const p = m.parameters[name];
      if (p && !m.positional.includes(name)) {
        this.checkParam(name, p, v, add);
      } else if (p) {
        add(`request.${name}`, 'given in optionalArgs; it is positional');
      } else if (!this.contract.standardParameters.includes(name)) {
        add(`request.${name}`, 'unknown parameter');
      }
    }
  }

  private checkParam(
    name: string,
    p: Parameter,
    v: unknown,
    add: (at: string, problem: string) => void,
  ): void {
    const at = `request.${name}`;
    if (p.type === 'array') {
      const list = Array.isArray(v) ? v : [v];
      list.forEach((x, i) =>
        this.checkParam(`${name}[${i}]`, p.items as Parameter, x, add),
      );
      return;
    }
    if (p.type === 'number') {
      const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof x !== 'number' || !Number.isInteger(x)) {
        add(at, `expected an integer, got ${show(v)}`);
        return;
      }
      if (p.minimum !== undefined && x < p.minimum)
        add(at, `${x} is below the minimum ${p.minimum}`);
      if (p.maximum !== undefined && x > p.maximum)
        add(at, `${x} is above the maximum ${p.maximum}`);
      return;
    }
    if (p.type === 'boolean') {
      if (typeof v !== 'boolean' && v !== 'true' && v !== 'false')
        add(at, `expected a boolean, got ${show(v)}`);
      return;
    }
    if (p.type === 'string') {
      if (typeof v !== 'string') {
        add(at, `expected a string, got ${kindOf(v)} ${show(v)}`);
        return;
      }
      if (p.enum && !p.enum.includes(v))
        add(at, `${show(v)} is not one of ${p.enum.join(', ')}`);
      if (p.pattern && !this.pattern(p.pattern).test(v))
        add(at, `${show(v)} does not match /${p.pattern}/`);
    }
  }

  private pattern(p: string): RegExp {
    let re = this.patterns.get(p);
    if (!re) {
      re = new RegExp(`^(?:${p})$`);
      this.patterns.set(p, re);
    }
    return re;
  }

  /** A value against a field type; `at` is its path. */
  checkValue(
    t: FieldType,
    v: unknown,
    at: string,
    add: (at: string, problem: string) => void,
  ): void {
    if (v === undefined || t.type === 'any') return;
    if (v === null) {
      if (!t.nullable) add(at, 'null where the schema has no null');
      return;
    }
    const kind = kindOf(v);
    switch (t.type) {
      case 'string':
        if (kind !== 'string')
          add(at, `expected a string, got ${kind} ${show(v)}`);
        else if (t.enum && !t.enum.includes(v as string))
          add(at, `${show(v)} is not one of ${t.enum.join(', ')}`);
        return;
      case 'number':
      case 'boolean':
        if (kind !== t.type)
          add(at, `expected a ${t.type}, got ${kind} ${show(v)}`);
        return;
      case 'array':
        if (kind !== 'array') {
          add(at, `expected an array, got ${kind}`);
          return;
        }
        (v as unknown[]).forEach((x, i) =>
          this.checkValue(t.items!, x, `${at}[${i}]`, add),
        );
        return;
      case 'map':
        if (kind !== 'object') {
          add(at, `expected an object, got ${kind}`);
          return;
        }
        for (const [k, x] of Object.entries(v as object))
          this.checkValue(t.values!, x, `${at}.${k}`, add);
        return;
      default: {
        if (kind !== 'object') {
          add(at, `expected an object, got ${kind}`);
          return;
        }
        const fields = t.ref
          ? this.contract.schemas[t.ref]?.fields
          : (t.fields ?? {});
        if (!fields) {
          add(at, `schema ${t.ref} is not in the contract`);
          return;
        }
        for (const [k, x] of Object.entries(v as object)) {
          const f = fields[k];
          if (!f) {
            add(`${at}.${k}`, `not a field of ${t.ref ?? 'this object'}`);
            continue;
          }
          this.checkValue(f, x, `${at}.${k}`, add);
        }
      }
    }
  }
}

/** Violations grouped by method and place (list indices dropped), with a count and one example. */
export function summarise(vs: Violation[]): string[] {
  const groups = new Map<string, {n: number; first: Violation}>();
  for (const v of vs) {
    const key = `${v.method} ${v.at.replace(/\[\d+\]/g, '[]')}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, {n: 1, first: v});
  }
  return [...groups].map(
    ([key, g]) => `${key}: ${g.first.problem} (${g.n}x; e.g. at ${g.first.at})`,
  );
}
