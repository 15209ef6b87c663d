// A small JSON Schema (2020-12) validator for the subset our OpenAPI document uses. It refuses to
// run on a keyword it does not know, so that a schema can never pass by being misunderstood.
// schema_validator_test.mjs proves that it fails where it must.

const ANNOTATIONS = new Set([
  'description', 'examples', 'example', 'title', 'summary', 'default', 'deprecated', 'readOnly',
  'writeOnly', '$comment',
]);
const FORMATS = {
  email: (s) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s),
  uuid: (s) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s),
  'date-time': (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
  password: () => true, // an annotation for UIs (hide the input), not a constraint
};

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value; // string, boolean, object
}

function matchesType(value, type) {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/// The value a local reference ("#/components/schemas/User") points at in `root`.
export function resolvePointer(root, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  let node = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new Error(`unresolvable reference ${ref}`);
    }
    node = node[key];
  }
  return node;
}

const KEYWORDS = {
  $ref(schema, value, at, ctx) {
    return check(resolvePointer(ctx.root, schema.$ref), value, at, ctx);
  },
  type(schema, value, at) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    return types.some((t) => matchesType(value, t))
      ? []
      : [`${at}: expected type ${types.join('|')}, got ${typeOf(value)}`];
  },
  enum(schema, value, at) {
    return schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))
      ? []
      : [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  },
  const(schema, value, at) {
    return JSON.stringify(schema.const) === JSON.stringify(value)
      ? []
      : [`${at}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`];
  },
  properties(schema, value, at, ctx) {
    if (typeOf(value) !== 'object') return [];
    return Object.entries(schema.properties).flatMap(([key, sub]) =>
      key in value ? check(sub, value[key], `${at}.${key}`, ctx) : [],
    );
  },
  required(schema, value, at) {
    if (typeOf(value) !== 'object') return [];
    return schema.required.filter((key) => !(key in value)).map((key) => `${at}: missing ${key}`);
  },
  additionalProperties(schema, value, at, ctx) {
    if (typeOf(value) !== 'object') return [];
    const known = new Set(Object.keys(schema.properties || {}));
    const extra = Object.keys(value).filter((key) => !known.has(key));
    if (schema.additionalProperties === false) {
      return extra.map((key) => `${at}: unexpected property ${key}`);
    }
    if (schema.additionalProperties === true) return [];
    return extra.flatMap((key) => check(schema.additionalProperties, value[key], `${at}.${key}`, ctx));
  },
  items(schema, value, at, ctx) {
    if (typeOf(value) !== 'array') return [];
    return value.flatMap((item, i) => check(schema.items, item, `${at}[${i}]`, ctx));
  },
  minItems(schema, value, at) {
    return typeOf(value) === 'array' && value.length < schema.minItems
      ? [`${at}: fewer than ${schema.minItems} items`]
      : [];
  },
  maxItems(schema, value, at) {
    return typeOf(value) === 'array' && value.length > schema.maxItems
      ? [`${at}: more than ${schema.maxItems} items`]
      : [];
  },
  minLength(schema, value, at) {
    return typeof value === 'string' && [...value].length < schema.minLength
      ? [`${at}: shorter than ${schema.minLength}`]
      : [];
  },
  maxLength(schema, value, at) {
    return typeof value === 'string' && [...value].length > schema.maxLength
      ? [`${at}: longer than ${schema.maxLength}`]
      : [];
  },
  pattern(schema, value, at) {
    return typeof value === 'string' && !new RegExp(schema.pattern, 'u').test(value)
      ? [`${at}: ${JSON.stringify(value)} does not match /${schema.pattern}/`]
      : [];
  },
  minimum(schema, value, at) {
    return typeof value === 'number' && value < schema.minimum ? [`${at}: below ${schema.minimum}`] : [];
  },
  maximum(schema, value, at) {
    return typeof value === 'number' && value > schema.maximum ? [`${at}: above ${schema.maximum}`] : [];
  },
  format(schema, value, at) {
    const test = FORMATS[schema.format];
    if (!test) throw new Error(`${at}: unsupported format ${schema.format}`);
    return typeof value === 'string' && !test(value)
      ? [`${at}: ${JSON.stringify(value)} is not a valid ${schema.format}`]
      : [];
  },
  allOf(schema, value, at, ctx) {
    return schema.allOf.flatMap((sub) => check(sub, value, at, ctx));
  },
  anyOf(schema, value, at, ctx) {
    const results = schema.anyOf.map((sub) => check(sub, value, at, ctx));
    return results.some((errors) => errors.length === 0)
      ? []
      : [`${at}: matches none of anyOf (${results.map((e) => e.join('; ')).join(' | ')})`];
  },
  oneOf(schema, value, at, ctx) {
    const results = schema.oneOf.map((sub) => check(sub, value, at, ctx));
    const matching = results.filter((errors) => errors.length === 0).length;
    if (matching === 1) return [];
    return matching === 0
      ? [`${at}: matches none of oneOf (${results.map((e) => e.join('; ')).join(' | ')})`]
      : [`${at}: matches ${matching} branches of oneOf`];
  },
};

function check(schema, value, at, ctx) {
  if (schema === true) return [];
  if (schema === false) return [`${at}: no value is allowed here`];
  if (schema === null || typeof schema !== 'object') throw new Error(`${at}: not a schema`);
  const errors = [];
  for (const keyword of Object.keys(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const rule = KEYWORDS[keyword];
    if (!rule) throw new Error(`${at}: unsupported schema keyword ${keyword}`);
    errors.push(...rule(schema, value, at, ctx));
  }
  return errors;
}

/// The list of ways `value` breaks `schema` (empty when it conforms). `root` is the document
/// that local references resolve in.
export function validate(schema, value, root, at = '$') {
  return check(schema, value, at, { root });
}
