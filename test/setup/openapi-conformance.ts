/**
 * Checks a real JSON answer against the schema the OpenAPI 3.0 document gives it, strictly: a
 * property the document does not list is an error too (unless the schema allows
 * additionalProperties), so the typed client generated from the document sees what the API
 * sends — names, nullability, enums, arrays, nested objects. Covers the subset @nestjs/swagger
 * emits: $ref, allOf, oneOf, nullable, type, enum, format (uuid, date-time), properties,
 * required, items, additionalProperties, minimum/maximum.
 */
export type OpenApiDocument = { paths: Record<string, any>; components: { schemas: Record<string, any> } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function resolveRef(document: OpenApiDocument, ref: string): any {
  const name = ref.replace(/^#\/components\/schemas\//, '');
  const schema = document.components.schemas[name];
  if (!schema) throw new Error(`unresolved $ref ${ref}`);
  return schema;
}

/** Every mismatch between `value` and `schema`, as `path: message` (empty when it conforms). */
export function schemaErrors(document: OpenApiDocument, schema: any, value: unknown, path = '$'): string[] {
  if (schema.$ref) return schemaErrors(document, resolveRef(document, schema.$ref), value, path);
  // A null is allowed by `nullable` beside a type, or (oneOf) by the one branch that says it.
  if (value === null && !schema.oneOf) return schema.nullable ? [] : [`${path}: null where the document does not say nullable`];
  if (schema.allOf) {
    const errors = schema.allOf.flatMap((part: any) => schemaErrors(document, part, value, path));
    return errors.length ? errors : schemaErrors(document, { ...schema, allOf: undefined, type: undefined }, value, path);
  }
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((part: any) => schemaErrors(document, part, value, path).length === 0);
    return matching.length === 1 ? [] : [`${path}: matches ${matching.length} of the oneOf branches, not exactly one (${JSON.stringify(value)})`];
  }
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: ${JSON.stringify(value)} is not a string`];
      if (schema.format === 'uuid' && !UUID.test(value)) errors.push(`${path}: ${value} is not a uuid`);
      if (schema.format === 'date-time' && !DATE_TIME.test(value)) errors.push(`${path}: ${value} is not a date-time`);
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [`${path}: ${JSON.stringify(value)} is not an ${schema.type}`];
      if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} < minimum ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: ${value} > maximum ${schema.maximum}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${path}: ${JSON.stringify(value)} is not a boolean`];
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${path}: not an array`];
      value.forEach((item, i) => errors.push(...schemaErrors(document, schema.items ?? {}, item, `${path}[${i}]`)));
      break;
    case 'object':
    case undefined:
      if (schema.type === undefined && !schema.properties) break; // an untyped schema: anything
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
      errors.push(...objectErrors(document, schema, value as Record<string, unknown>, path));
      break;
    default:
      errors.push(`${path}: schema type ${schema.type} not supported by this checker`);
  }
  return errors;
}

function objectErrors(document: OpenApiDocument, schema: any, value: Record<string, unknown>, path: string): string[] {
  const errors: string[] = [];
  const properties: Record<string, any> = schema.properties ?? {};
  for (const name of schema.required ?? []) {
    if (!(name in value)) errors.push(`${path}.${name}: required by the document, absent from the answer`);
  }
  for (const [name, item] of Object.entries(value)) {
    if (properties[name]) errors.push(...schemaErrors(document, properties[name], item, `${path}.${name}`));
    else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      errors.push(...schemaErrors(document, schema.additionalProperties, item, `${path}.${name}`));
    } else if (!schema.additionalProperties) errors.push(`${path}.${name}: in the answer, not in the document`);
  }
  return errors;
}

/** The schema an operation documents for this status and media type (undefined when it documents none). */
export function documentedSchema(document: OpenApiDocument, method: string, pathTemplate: string, status: number, mediaType: string): any {
  const operation = document.paths[pathTemplate]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${pathTemplate} is not in the document`);
  const response = operation.responses[String(status)];
  if (!response) return undefined;
  return response.content?.[mediaType]?.schema ?? null;
}
