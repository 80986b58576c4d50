/**
 * The check of an agent's answer against its contract without zod: the JSON Schema that zod writes of
 * the contract's schema (z.toJSONSchema, input side) at build time (build.mjs, contracts.ts), read here.
 * Loading zod and building its schemas cost `hms status` more than the rest of its own code; this
 * checker is small, and the schema stays the contract's own (src/api). It answers as zod's parse
 * does: the data with unknown keys left out and defaults filled in, or the first mismatch.
 * Only the keywords zod writes for these contracts are known; the build refuses a schema with others.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  $schema?: string;
}

const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  '$schema',
]);

/** The keywords of `schema` (at any depth) this checker does not know: the build refuses such a schema. */
export function unknownKeywords(schema: JsonSchema): string[] {
  const found = new Set<string>();
  const visit = (node: JsonSchema) => {
    for (const key of Object.keys(node)) if (!KNOWN.has(key)) found.add(key);
    for (const child of Object.values(node.properties ?? {})) visit(child);
    for (const child of node.anyOf ?? []) visit(child);
    if (node.items) visit(node.items);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties);
  };
  visit(schema);
  return [...found].sort();
}

export type CheckResult<T> = { success: true; data: T } | { success: false; error: Error };

/** Checks `value` against `schema`: the data as zod's parse gives it, or the first mismatch and where. */
export function checkShape<T>(schema: JsonSchema, value: unknown): CheckResult<T> {
  try {
    return { success: true, data: check(schema, value, '') as T };
  } catch (error) {
    return { success: false, error: error as Error };
  }
}

function mismatch(path: string, what: string): Error {
  return new Error(`${path || '(the answer)'}: ${what}`);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(schema: JsonSchema, value: unknown, path: string): unknown {
  if (schema.anyOf) {
    for (const option of schema.anyOf) {
      try {
        return check(option, value, path);
      } catch {
        // the next option
      }
    }
    throw mismatch(path, `${typeOf(value)} matches none of its ${schema.anyOf.length} forms`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const type = typeOf(value);
    if (!types.includes(type) && !(type === 'integer' && types.includes('number')))
      throw mismatch(path, `${type}, not ${types.join(' or ')}`);
  }
  if ('const' in schema && value !== schema.const) throw mismatch(path, `not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) throw mismatch(path, `${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if (typeof value === 'number') checkNumber(schema, value, path);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) throw mismatch(path, 'too short');
    if (schema.maxLength !== undefined && value.length > schema.maxLength) throw mismatch(path, 'too long');
  }
  if (Array.isArray(value)) return schema.items ? value.map((item, i) => check(schema.items!, item, `${path}[${i}]`)) : value;
  if (typeOf(value) === 'object' && (schema.properties || schema.additionalProperties !== undefined)) {
    return checkObject(schema, value as Record<string, unknown>, path);
  }
  return value;
}

function checkNumber(schema: JsonSchema, value: number, path: string): void {
  if (!Number.isFinite(value)) throw mismatch(path, 'not a finite number');
  if (schema.minimum !== undefined && value < schema.minimum) throw mismatch(path, `below ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) throw mismatch(path, `above ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
    throw mismatch(path, `not above ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
    throw mismatch(path, `not below ${schema.exclusiveMaximum}`);
}

/** The declared keys (defaults filled in); others left out as zod does, or checked by additionalProperties. */
function checkObject(schema: JsonSchema, value: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(properties)) {
    const at = path ? `${path}.${key}` : key;
    if (value[key] === undefined) {
      if ('default' in property) out[key] = structuredClone(property.default);
      else if (required.has(key)) throw mismatch(at, 'missing');
      continue;
    }
    out[key] = check(property, value[key], at);
  }
  const extra = schema.additionalProperties;
  if (extra === undefined || extra === true) return out;
  for (const [key, item] of Object.entries(value)) {
    if (key in properties) continue;
    if (extra === false) throw mismatch(path ? `${path}.${key}` : key, 'not a known key');
    out[key] = check(extra, item, path ? `${path}.${key}` : key);
  }
  return out;
}
