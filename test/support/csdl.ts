import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';

/**
 * A tiny reader for Microsoft Graph's CSDL (OData v4 `$metadata`): entity, complex and enum types of
 * the `microsoft.graph` schema, with inherited properties resolved. Enough to check JSON shapes.
 */
export interface CsdlProperty {
  name: string;
  /** As written in the CSDL, e.g. `Edm.String`, `graph.recipient`, `Collection(graph.recipient)`. */
  type: string;
  nullable: boolean;
  navigation: boolean;
}

interface RawType {
  Name: string;
  BaseType?: string;
  Property?: { Name: string; Type: string; Nullable?: string }[];
  NavigationProperty?: { Name: string; Type: string; Nullable?: string }[];
  Member?: { Name: string }[];
}

export interface CsdlModel {
  /** Every property of an entity or complex type, inherited ones included; undefined if no such type. */
  properties(typeName: string): Map<string, CsdlProperty> | undefined;
  isEnum(typeName: string): boolean;
  enumMembers(typeName: string): string[];
  isComplex(typeName: string): boolean;
}

/** `graph.x`, `microsoft.graph.x` and `x` all name the type `x` of the main schema. */
export function localName(typeName: string): string {
  return typeName.replace(/^(microsoft\.graph|graph)\./, '');
}

export function loadCsdl(file: string): CsdlModel {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) =>
      [
        'Schema',
        'EntityType',
        'ComplexType',
        'EnumType',
        'Property',
        'NavigationProperty',
        'Member',
      ].includes(name),
  });
  const doc = parser.parse(readFileSync(file, 'utf8')) as {
    'edmx:Edmx': {
      'edmx:DataServices': {
        Schema: {
          Namespace: string;
          EntityType?: RawType[];
          ComplexType?: RawType[];
          EnumType?: RawType[];
        }[];
      };
    };
  };
  const schema = doc['edmx:Edmx']['edmx:DataServices'].Schema.find((s) => s.Namespace === 'microsoft.graph');
  if (!schema) throw new Error('microsoft.graph schema not found in CSDL');
  const structured = new Map<string, RawType>();
  const complex = new Set<string>();
  for (const t of schema.EntityType ?? []) structured.set(t.Name, t);
  for (const t of schema.ComplexType ?? []) {
    structured.set(t.Name, t);
    complex.add(t.Name);
  }
  const enums = new Map((schema.EnumType ?? []).map((t) => [t.Name, (t.Member ?? []).map((m) => m.Name)]));

  function properties(typeName: string): Map<string, CsdlProperty> | undefined {
    const raw = structured.get(localName(typeName));
    if (!raw) return undefined;
    const inherited = raw.BaseType
      ? (properties(raw.BaseType) ?? new Map())
      : new Map<string, CsdlProperty>();
    const own = new Map(inherited);
    for (const p of raw.Property ?? [])
      own.set(p.Name, { name: p.Name, type: p.Type, nullable: p.Nullable !== 'false', navigation: false });
    for (const p of raw.NavigationProperty ?? [])
      own.set(p.Name, { name: p.Name, type: p.Type, nullable: p.Nullable !== 'false', navigation: true });
    return own;
  }

  return {
    properties,
    isEnum: (t) => enums.has(localName(t)),
    enumMembers: (t) => enums.get(localName(t)) ?? [],
    isComplex: (t) => complex.has(localName(t)),
  };
}

/**
 * Problems with `value` as JSON of CSDL type `type` (empty when it conforms): unknown properties,
 * wrong JSON types, enum values not in the enum. `path` names the spot for messages.
 */
export function checkJson(
  model: CsdlModel,
  type: string,
  value: unknown,
  path = '$',
  nullable = true,
): string[] {
  if (value === null) return nullable ? [] : [`${path}: null where the CSDL says Nullable="false"`];
  const collection = /^Collection\((.+)\)$/.exec(type);
  if (collection) {
    if (!Array.isArray(value)) return [`${path}: expected an array for ${type}`];
    return value.flatMap((v, i) => checkJson(model, collection[1]!, v, `${path}[${i}]`, false));
  }
  switch (type) {
    case 'Edm.String':
      return typeof value === 'string' ? [] : [`${path}: expected a string`];
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'Edm.Int32':
    case 'Edm.Int64':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'Edm.DateTimeOffset':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
        ? []
        : [`${path}: expected an ISO 8601 DateTimeOffset`];
    case 'Edm.Binary':
      return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)
        ? []
        : [`${path}: expected base64 for Edm.Binary`];
  }
  if (model.isEnum(type)) {
    return typeof value === 'string' && model.enumMembers(type).includes(value)
      ? []
      : [`${path}: '${String(value)}' is not a member of ${type}`];
  }
  const props = model.properties(type);
  if (!props) return [`${path}: unknown CSDL type ${type}`];
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object for ${type}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    if (key.startsWith('@odata.')) return [];
    const p = props.get(key);
    if (!p) return [`${path}.${key}: no such property on ${type}`];
    return checkJson(model, p.type, v, `${path}.${key}`, p.nullable);
  });
}
