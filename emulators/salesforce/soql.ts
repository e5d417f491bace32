import {
  parseQuery,
  type Condition,
  type FieldType as SoqlFieldType,
  type FunctionExp,
  type HavingClause,
  type LiteralType,
  type OrderByClause,
  type Query,
  type WhereClause,
} from '@jetstreamapp/soql-parser-js';
import { SalesforceError, SalesforceErrors } from './errors';
import { dateLiteralRange, type DateRange } from './soql-dates';
import { fieldOf, isTextType, textKey, type FieldDef, type Schema, type SObjectDef } from './schema';
import { type StoredRecord } from './store';
import { normaliseId, parseDate, parseDateTime, type FieldValue, type SRecord } from './values';

/**
 * A SOQL engine over the emulator's records: SELECT with parent relationship fields (polymorphic Who, What,
 * Owner), WHERE, ORDER BY, LIMIT/OFFSET, COUNT() and GROUP BY with aggregates. Parsing is done by
 * @jetstreamapp/soql-parser-js; this module resolves names against the schema and evaluates. It knows nothing
 * of HTTP: paging into batches is the REST layer's job.
 */

export interface SoqlSource {
  schema: Schema;
  /** Every record of the object, deleted ones included. */
  records(object: SObjectDef): SRecord[];
  find(id: string): StoredRecord | undefined;
}

export interface SoqlOptions {
  /** Epoch ms for TODAY and friends. */
  now: number;
  /** `queryAll`: include deleted records. */
  includeDeleted?: boolean;
  /** Version in `attributes.url`, e.g. '62.0'. */
  apiVersion?: string;
}

export interface QueryRecord {
  attributes: { type: string; url?: string };
  [field: string]: unknown;
}

export interface SoqlResult {
  /** Rows matched (for `COUNT()`, the count; `records` is then empty). */
  totalSize: number;
  records: QueryRecord[];
  /** Aggregate results do not page with queryMore. */
  isAggregate: boolean;
}

export const MAX_SOQL_LENGTH = 100_000;

// ---- Field paths ---------------------------------------------------------------------------------------------

interface PathStep {
  /** Lookup field holding the parent id, e.g. WhoId. */
  lookup: FieldDef;
  /** Canonical relationship name, e.g. Who. */
  relationship: string;
}

interface FieldPath {
  steps: PathStep[];
  /** Canonical leaf name ('Type' on a polymorphic relationship is the parent's object name). */
  leaf: string;
  /** Leaf definition (of the first parent object that has it). */
  def: FieldDef;
}

const POLYMORPHIC_TYPE: FieldDef = {
  name: 'Type',
  label: 'Type',
  type: 'string',
  nillable: true,
  createable: false,
  updateable: false,
  custom: false,
};

function noSuchColumn(name: string, object: SObjectDef): SalesforceError {
  return SalesforceErrors.invalidField(
    `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to ` +
      `append the '__c' after the custom field name. Please reference your WSDL or the describe call for the ` +
      `appropriate names.`,
  );
}

/**
 * The fields of the `Name` object, all a polymorphic relationship (Who, What, an Event's Owner, EventRelation's
 * Relation) reaches without TYPEOF (Object Reference, "Name": "Non-queryable object that provides information
 * about foreign key traversals when the foreign key has more than one parent"; SOQL guide, "Understanding
 * Relationship Fields and Polymorphic Fields"). Anything else is "No such column 'X' on entity 'Name'".
 * Name.Email is read from the parent record whatever its type (the reference once said "only if the related
 * record is a user"; Who.Email is widely used on Contacts and Leads).
 */
const NAME_FIELDS = new Map(
  [
    'Id',
    'Name',
    'FirstName',
    'LastName',
    'Alias',
    'Email',
    'Phone',
    'Title',
    'Type',
    'IsActive',
    'Username',
    'UserRoleId',
    'ProfileId',
    'RecordTypeId',
    'NameOrAlias',
    'CommunityNickname',
    'SmallPhotoUrl',
    'LastReferencedDate',
    'LastViewedDate',
  ].map((name) => [name.toLowerCase(), name]),
);
const NAME_ENTITY = { name: 'Name' } as SObjectDef;

const isPolymorphic = (lookup: FieldDef): boolean => (lookup.referenceTo?.length ?? 0) > 1;

function resolvePath(schema: Schema, object: SObjectDef, dotted: string, alias?: string): FieldPath {
  const parts = dotted.split('.');
  if (alias && parts.length > 1 && parts[0].toLowerCase() === alias.toLowerCase()) parts.shift();
  let objects: SObjectDef[] = [object];
  const steps: PathStep[] = [];
  for (const part of parts.slice(0, -1)) {
    // Past a polymorphic relationship there is only the Name object, whose lookups this org does not model.
    const lookup = steps.some((s) => isPolymorphic(s.lookup))
      ? undefined
      : objects
          .flatMap((o) => [...o.fields.values()])
          .find((f) => f.relationshipName?.toLowerCase() === part.toLowerCase());
    if (!lookup?.relationshipName) {
      throw SalesforceErrors.invalidField(`Didn't understand relationship '${part}' in field path. ${dottedHint}`);
    }
    steps.push({ lookup, relationship: lookup.relationshipName });
    objects = (lookup.referenceTo ?? []).map((name) => schema.object(name)).filter((o): o is SObjectDef => !!o);
  }
  const leafName = parts[parts.length - 1];
  const last = steps.at(-1);
  if (last && isPolymorphic(last.lookup)) {
    const nameField = NAME_FIELDS.get(leafName.toLowerCase());
    if (!nameField) throw noSuchColumn(leafName, NAME_ENTITY);
    if (nameField === 'Type') return { steps, leaf: 'Type', def: POLYMORPHIC_TYPE };
    const def = objects.map((o) => fieldOf(o, nameField)).find((f) => f);
    return { steps, leaf: nameField, def: def ?? { ...POLYMORPHIC_TYPE, name: nameField, label: nameField } };
  }
  const def = objects.map((o) => fieldOf(o, leafName)).find((f) => f);
  if (def) return { steps, leaf: def.name, def };
  throw noSuchColumn(leafName, objects[0] ?? object);
}

const dottedHint = "If you are attempting to use a custom relationship, be sure to append the '__r' after the name.";

/** The value at `path` from `record`, walking lookups (null as soon as one is empty). */
function valueAt(source: SoqlSource, record: SRecord, path: FieldPath): FieldValue {
  let current: SRecord = record;
  let objectName: string | undefined;
  for (const step of path.steps) {
    const id: FieldValue | undefined = current[step.lookup.name];
    const parent: StoredRecord | undefined = typeof id === 'string' ? source.find(id) : undefined;
    if (!parent) return null;
    current = parent.record;
    objectName = parent.object.name;
  }
  if (path.def === POLYMORPHIC_TYPE) return objectName ?? null;
  return current[path.leaf] ?? null;
}

// ---- Literals and comparison --------------------------------------------------------------------------------

type Comparable = string | number | boolean | null;
type Operand = { kind: 'value'; value: Comparable } | { kind: 'range'; range: DateRange };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** The text of a quoted SOQL string; `\%` and `\_` stay escaped for LIKE. */
export function unquoteSoqlString(quoted: string): string {
  const body = quoted.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (whole, escape: string) => {
    if (escape.length === 5) return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (escape === '%' || escape === '_') return whole;
    const char = ESCAPES[escape];
    if (char === undefined)
      throw SalesforceErrors.malformedQuery(
        `Invalid string literal '${quoted}'. Illegal character sequence '${whole}' in string literal.`,
      );
    return char;
  });
}

function isDateType(def: FieldDef): boolean {
  return def.type === 'date' || def.type === 'datetime';
}

function isNumberType(def: FieldDef): boolean {
  return ['int', 'double', 'currency', 'percent'].includes(def.type);
}

/** A stored value in the form comparisons use: epoch ms for dates, lowercase text, normalised ids. */
function comparable(def: FieldDef, value: FieldValue): Comparable {
  if (value === null) return null;
  if (def.type === 'datetime' && typeof value === 'string') return parseDateTime(value) ?? null;
  if (def.type === 'date' && typeof value === 'string') return parseDate(value) ?? null;
  if (typeof value === 'string' && isTextType(def.type)) return textKey(def, value);
  return value;
}

function wrongLiteral(def: FieldDef, expected: string): SalesforceError {
  return new SalesforceError(
    400,
    'INVALID_QUERY_FILTER_OPERATOR',
    `value of filter criterion for field '${def.name}' must be of type ${expected}${
      expected === 'string' ? '' : ' and should not be enclosed in quotes'
    }`,
  );
}

const expectedOf = (def: FieldDef): string =>
  def.type === 'datetime'
    ? 'dateTime'
    : def.type === 'int' || def.type === 'double'
      ? 'double'
      : def.type === 'boolean'
        ? 'boolean'
        : def.type === 'date'
          ? 'date'
          : 'string';

function operand(def: FieldDef, raw: string, literalType: LiteralType | undefined, now: number): Operand {
  switch (literalType) {
    case 'NULL':
      return { kind: 'value', value: null };
    case 'STRING': {
      if (!isTextType(def.type)) throw wrongLiteral(def, expectedOf(def));
      const text = unquoteSoqlString(raw);
      if (def.type === 'id' || def.type === 'reference')
        return { kind: 'value', value: (normaliseId(text) ?? text).toLowerCase() };
      return { kind: 'value', value: textKey(def, text) };
    }
    case 'BOOLEAN':
      if (def.type !== 'boolean') throw wrongLiteral(def, expectedOf(def));
      return { kind: 'value', value: raw.toUpperCase() === 'TRUE' };
    case 'INTEGER':
    case 'DECIMAL':
      if (!isNumberType(def)) throw wrongLiteral(def, expectedOf(def));
      return { kind: 'value', value: Number(raw) };
    case 'DATETIME': {
      if (def.type !== 'datetime') throw wrongLiteral(def, expectedOf(def));
      const ms = parseDateTime(raw);
      if (ms === undefined)
        throw SalesforceErrors.malformedQuery(`line 1:0 no viable alternative at character '${raw}'`);
      return { kind: 'value', value: ms };
    }
    case 'DATE': {
      if (def.type !== 'date') throw wrongLiteral(def, expectedOf(def));
      const ms = parseDate(raw);
      if (ms === undefined) throw SalesforceErrors.malformedQuery(`Invalid date: ${raw}`);
      return { kind: 'value', value: ms };
    }
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL':
      if (!isDateType(def)) throw wrongLiteral(def, expectedOf(def));
      return { kind: 'range', range: dateLiteralRange(raw, now) };
    default:
      throw SalesforceErrors.malformedQuery(`Unsupported literal ${raw} (${String(literalType)})`);
  }
}

function compareValues(a: Comparable, b: Comparable): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function likePattern(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && (text[i + 1] === '%' || text[i + 1] === '_')) {
      source += text[++i];
    } else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

function matches(value: Comparable, operator: string, right: Operand): boolean {
  if (right.kind === 'range') {
    if (value === null || typeof value !== 'number') return operator === '!=';
    const { start, end } = right.range;
    switch (operator) {
      case '=':
        return value >= start && value < end;
      case '!=':
        return value < start || value >= end;
      case '<':
        return value < start;
      case '<=':
        return value < end;
      case '>':
        return value >= end;
      case '>=':
        return value >= start;
    }
    throw SalesforceErrors.malformedQuery(`Operator ${operator} cannot be used with a date literal`);
  }
  const literal = right.value;
  if (operator === '=') return value === literal;
  if (operator === '!=') return value !== literal;
  if (value === null || literal === null) return false;
  switch (operator) {
    case '<':
      return value < literal;
    case '<=':
      return value <= literal;
    case '>':
      return value > literal;
    case '>=':
      return value >= literal;
    case 'LIKE':
      return typeof value === 'string' && likePattern(String(literal)).test(value);
  }
  throw SalesforceErrors.malformedQuery(`Operator ${operator} is not supported`);
}

// ---- WHERE / HAVING as a boolean tree --------------------------------------------------------------------

type BoolNode =
  | { kind: 'and' | 'or'; left: BoolNode; right: BoolNode }
  | { kind: 'not'; operand: BoolNode }
  | { kind: 'condition'; condition: Condition };

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | { condition: Condition };

/**
 * The parser returns a right-leaning chain with parenthesis counts on conditions; flatten it back into tokens
 * and re-parse with SOQL's precedence (NOT, then AND, then OR).
 */
function tokensOf(clause: WhereClause | HavingClause | undefined, out: Token[] = []): Token[] {
  if (!clause) return out;
  const left = clause.left as (Condition & { openParen?: number; closeParen?: number }) | null;
  const isCondition = left !== null && ('field' in left || 'fn' in left);
  for (let i = 0; i < (left?.openParen ?? 0); i++) out.push('(');
  if (left && isCondition) out.push({ condition: left });
  for (let i = 0; i < (isCondition ? (left?.closeParen ?? 0) : 0); i++) out.push(')');
  const withOperator = clause as { operator?: string; right?: WhereClause };
  if (withOperator.operator) {
    out.push(withOperator.operator.toUpperCase() as Token);
    tokensOf(withOperator.right, out);
  }
  return out;
}

function parseBool(tokens: Token[]): BoolNode {
  let position = 0;
  const peek = () => tokens[position];
  const fail = (): never => {
    throw SalesforceErrors.malformedQuery('unexpected token in WHERE clause');
  };
  const orExpr = (): BoolNode => {
    let node = andExpr();
    while (peek() === 'OR') {
      position++;
      node = { kind: 'or', left: node, right: andExpr() };
    }
    return node;
  };
  const andExpr = (): BoolNode => {
    let node = unary();
    while (peek() === 'AND') {
      position++;
      node = { kind: 'and', left: node, right: unary() };
    }
    return node;
  };
  const unary = (): BoolNode => {
    const token = peek();
    position++;
    if (token === 'NOT') return { kind: 'not', operand: unary() };
    if (token === '(') {
      const inner = orExpr();
      if (peek() !== ')') fail();
      position++;
      return inner;
    }
    if (typeof token === 'object') return { kind: 'condition', condition: token.condition };
    return fail();
  };
  const tree = orExpr();
  if (position !== tokens.length) fail();
  return tree;
}

function evaluate(node: BoolNode, test: (condition: Condition) => boolean): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, test) && evaluate(node.right, test);
    case 'or':
      return evaluate(node.left, test) || evaluate(node.right, test);
    case 'not':
      return !evaluate(node.operand, test);
    case 'condition':
      return test(node.condition);
  }
}

// ---- Compiled query ------------------------------------------------------------------------------------------

type Aggregate = 'COUNT' | 'COUNT_DISTINCT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
const AGGREGATES = new Set<string>(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);

type SelectItem =
  | { kind: 'field'; path: FieldPath; alias?: string }
  | { kind: 'aggregate'; fn: Aggregate; path: FieldPath | null; name: string; raw: string };

type RecordTest = (record: SRecord) => boolean;

class QueryCompiler {
  constructor(
    private readonly source: SoqlSource,
    private readonly object: SObjectDef,
    private readonly query: Query,
    private readonly options: SoqlOptions,
  ) {}

  path(dotted: string): FieldPath {
    return resolvePath(this.source.schema, this.object, dotted, this.query.sObjectAlias);
  }

  selectItems(): SelectItem[] {
    const items: SelectItem[] = [];
    let unnamed = 0;
    for (const field of this.query.fields ?? []) {
      items.push(...this.selectItem(field, () => `expr${unnamed++}`));
    }
    if (items.length === 0) throw SalesforceErrors.malformedQuery('SELECT needs at least one field');
    return items;
  }

  private selectItem(field: SoqlFieldType, nextName: () => string): SelectItem[] {
    switch (field.type) {
      case 'Field':
        return [{ kind: 'field', path: this.path(field.field), alias: field.alias }];
      case 'FieldRelationship':
        return [{ kind: 'field', path: this.path([...field.relationships, field.field].join('.')) }];
      case 'FieldFunctionExpression': {
        const fn = field.functionName.toUpperCase();
        if (fn === 'FIELDS') return this.fieldsFunction(String(field.parameters[0] ?? '').toUpperCase());
        if (!AGGREGATES.has(fn))
          throw SalesforceErrors.malformedQuery(`Function ${field.functionName} is not supported`);
        const parameter = field.parameters[0];
        if (parameter !== undefined && typeof parameter !== 'string') {
          throw SalesforceErrors.malformedQuery(`Nested functions are not supported: ${field.rawValue ?? fn}`);
        }
        if (parameter === undefined && fn !== 'COUNT') throw SalesforceErrors.malformedQuery(`${fn}() needs a field`);
        return [
          {
            kind: 'aggregate',
            fn: fn as Aggregate,
            path: parameter === undefined ? null : this.path(parameter),
            name: field.alias ?? nextName(),
            raw: (field.rawValue ?? `${fn}(${parameter ?? ''})`).toLowerCase(),
          },
        ];
      }
      default:
        throw SalesforceErrors.malformedQuery('Sub-queries and TYPEOF are not supported by this org');
    }
  }

  private fieldsFunction(kind: string): SelectItem[] {
    const fields = [...this.object.fields.values()].filter(
      (f) => kind === 'ALL' || (kind === 'STANDARD' && !f.custom) || (kind === 'CUSTOM' && f.custom),
    );
    if (fields.length === 0 && kind !== 'CUSTOM') throw SalesforceErrors.malformedQuery(`FIELDS(${kind}) is not valid`);
    return fields.map((f) => ({ kind: 'field', path: { steps: [], leaf: f.name, def: f } }));
  }

  /** A record filter for a WHERE clause. */
  whereTest(clause: WhereClause | undefined): RecordTest {
    if (!clause) return () => true;
    const tree = parseBool(tokensOf(clause));
    const tests = new Map<Condition, RecordTest>();
    const compile = (node: BoolNode): void => {
      if (node.kind === 'condition') tests.set(node.condition, this.conditionTest(node.condition));
      else if (node.kind === 'not') compile(node.operand);
      else {
        compile(node.left);
        compile(node.right);
      }
    };
    compile(tree);
    return (record) => evaluate(tree, (condition) => tests.get(condition)!(record));
  }

  private conditionTest(condition: Condition): RecordTest {
    if (!('field' in condition)) {
      throw SalesforceErrors.malformedQuery('Functions in WHERE are not supported by this org');
    }
    const path = this.path(condition.field);
    const operator = condition.operator.toUpperCase();
    if ('valueQuery' in condition && condition.valueQuery) {
      const values = this.semiJoinValues(condition.valueQuery, path.def);
      return (record) => {
        const value = comparable(path.def, valueAt(this.source, record, path));
        return operator === 'NOT IN' ? !values.has(value) : values.has(value);
      };
    }
    const c = condition as { value: string | string[]; literalType?: LiteralType | LiteralType[] };
    if (operator === 'LIKE' && !isTextType(path.def.type)) {
      throw new SalesforceError(400, 'INVALID_QUERY_FILTER_OPERATOR', `invalid operator on field: ${path.def.name}`);
    }
    if (operator === 'INCLUDES' || operator === 'EXCLUDES') {
      throw SalesforceErrors.malformedQuery(`${operator} applies only to multi-select picklists`);
    }
    if (operator === 'IN' || operator === 'NOT IN') {
      const raws = Array.isArray(c.value) ? c.value : [c.value];
      const types = Array.isArray(c.literalType) ? c.literalType : raws.map(() => c.literalType as LiteralType);
      const operands = raws.map((raw, i) => operand(path.def, raw, types[i], this.options.now));
      return (record) => {
        const value = comparable(path.def, valueAt(this.source, record, path));
        const found = operands.some((o) => matches(value, '=', o));
        return operator === 'IN' ? found : !found;
      };
    }
    const right = operand(path.def, String(c.value), c.literalType as LiteralType, this.options.now);
    if (right.kind === 'value' && right.value === null && operator !== '=' && operator !== '!=') {
      throw SalesforceErrors.malformedQuery(`null can only be compared with = or !=`);
    }
    return (record) => matches(comparable(path.def, valueAt(this.source, record, path)), operator, right);
  }

  /** Values of a semi-join (`Id IN (SELECT WhoId FROM Event)`), in comparable form. */
  private semiJoinValues(subquery: Query, def: FieldDef): Set<Comparable> {
    const result = runParsed(subquery, this.source, { ...this.options, includeDeleted: false });
    const field = subquery.fields?.[0];
    const name = field && field.type === 'Field' ? field.field : undefined;
    if (!name) throw SalesforceErrors.malformedQuery('A semi-join selects exactly one field');
    return new Set(
      result.records.map((r) => {
        const key = Object.keys(r).find((k) => k.toLowerCase() === name.toLowerCase());
        return comparable(def, (key ? r[key] : null) as FieldValue);
      }),
    );
  }
}

// ---- Execution -----------------------------------------------------------------------------------------------

function parse(soql: string): Query {
  if (soql.length > MAX_SOQL_LENGTH) {
    throw SalesforceErrors.malformedQuery(`SOQL statements cannot be longer than ${MAX_SOQL_LENGTH} characters.`);
  }
  try {
    return parseQuery(soql);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw SalesforceErrors.malformedQuery(`\n${soql}\nERROR at Row:1:Column:1\n${detail}`);
  }
}

export function executeSoql(soql: string, source: SoqlSource, options: SoqlOptions): SoqlResult {
  return runParsed(parse(soql.trim()), source, options);
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function runParsed(query: Query, source: SoqlSource, options: SoqlOptions): SoqlResult {
  const object = query.sObject ? source.schema.object(query.sObject) : undefined;
  if (!object) throw SalesforceErrors.invalidType(query.sObject ?? '');
  const compiler = new QueryCompiler(source, object, query, options);
  const items = compiler.selectItems();
  const test = compiler.whereTest(query.where);
  const rows = source.records(object).filter((r) => (options.includeDeleted || r.IsDeleted !== true) && test(r));

  const groupBy = asList(query.groupBy);
  const aggregates = items.filter((i) => i.kind === 'aggregate');
  if (aggregates.length > 0 || groupBy.length > 0) {
    const onlyCount = items.length === 1 && aggregates.length === 1 && aggregates[0].raw === 'count()';
    if (onlyCount && groupBy.length === 0) {
      const total = applyLimit(rows, query).length;
      return { totalSize: total, records: [], isAggregate: false };
    }
    if (items.some((i) => i.kind === 'aggregate' && i.raw === 'count()')) {
      throw SalesforceErrors.malformedQuery('COUNT() cannot be used with other fields; use COUNT(Id)');
    }
    const records = aggregateRows(source, compiler, query, items, rows, groupBy);
    return { totalSize: records.length, records, isAggregate: true };
  }
  if (query.having) throw SalesforceErrors.malformedQuery('HAVING needs GROUP BY');

  const sorted = sortRecords(source, compiler, rows, asList(query.orderBy));
  const page = applyLimit(sorted, query);
  const version = options.apiVersion ?? '62.0';
  const records = page.map((record) => project(source, object, record, items as FieldItem[], version));
  return { totalSize: records.length, records, isAggregate: false };
}

function applyLimit<T>(rows: T[], query: Query): T[] {
  const offset = query.offset ?? 0;
  return rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
}

type FieldItem = Extract<SelectItem, { kind: 'field' }>;

function sortRecords(
  source: SoqlSource,
  compiler: QueryCompiler,
  rows: SRecord[],
  orderBy: OrderByClause[],
): SRecord[] {
  if (orderBy.length === 0) return rows;
  const keys = orderBy.map((clause) => {
    if (!('field' in clause)) throw SalesforceErrors.malformedQuery('ORDER BY a function needs GROUP BY');
    return { path: compiler.path(clause.field), ...directions(clause) };
  });
  return [...rows].sort((a, b) => {
    for (const key of keys) {
      const order = compareOrdered(
        comparable(key.path.def, valueAt(source, a, key.path)),
        comparable(key.path.def, valueAt(source, b, key.path)),
        key,
      );
      if (order !== 0) return order;
    }
    return 0;
  });
}

function directions(clause: OrderByClause): { descending: boolean; nullsFirst: boolean } {
  const descending = clause.order?.toUpperCase() === 'DESC';
  const nullsFirst = clause.nulls ? clause.nulls.toUpperCase() === 'FIRST' : !descending;
  return { descending, nullsFirst };
}

function compareOrdered(a: Comparable, b: Comparable, key: { descending: boolean; nullsFirst: boolean }): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === key.nullsFirst ? -1 : 1;
  }
  const order = compareValues(a, b);
  return key.descending ? -order : order;
}

/** A record as the API returns it: `attributes`, then the selected fields, parent fields nested. */
function project(
  source: SoqlSource,
  object: SObjectDef,
  record: SRecord,
  items: FieldItem[],
  version: string,
): QueryRecord {
  const out: QueryRecord = { attributes: attributesOf(object.name, record.Id, version) };
  for (const item of items) {
    let target: QueryRecord = out;
    let current: SRecord | undefined = record;
    let skip = false;
    for (const step of item.path.steps) {
      const id: FieldValue | undefined = current?.[step.lookup.name];
      const parent: StoredRecord | undefined = typeof id === 'string' ? source.find(id) : undefined;
      if (!parent) {
        if (!(step.relationship in target)) target[step.relationship] = null;
        skip = true;
        break;
      }
      const existing = target[step.relationship] as QueryRecord | null | undefined;
      // A polymorphic parent comes back as a `Name`; its url names the real object.
      const nested: QueryRecord = existing ?? {
        attributes: {
          ...attributesOf(parent.object.name, parent.record.Id, version),
          ...(isPolymorphic(step.lookup) ? { type: 'Name' } : {}),
        },
      };
      target[step.relationship] = nested;
      target = nested;
      current = parent.record;
      if (item.path.leaf === 'Type' && item.path.def === POLYMORPHIC_TYPE && step === item.path.steps.at(-1)) {
        target.Type = parent.object.name;
        skip = true;
      }
    }
    if (!skip) target[item.path.leaf] = current?.[item.path.leaf] ?? null;
  }
  return out;
}

function attributesOf(type: string, id: FieldValue | undefined, version: string): { type: string; url: string } {
  return { type, url: `/services/data/v${version}/sobjects/${type}/${String(id)}` };
}

// ---- Aggregates ----------------------------------------------------------------------------------------------

function aggregate(source: SoqlSource, item: Extract<SelectItem, { kind: 'aggregate' }>, rows: SRecord[]): FieldValue {
  if (!item.path) return rows.length;
  const path = item.path;
  const values = rows.map((r) => valueAt(source, r, path)).filter((v): v is string | number | boolean => v !== null);
  switch (item.fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => comparable(path.def, v))).size;
    case 'SUM':
    case 'AVG': {
      if (!isNumberType(path.def)) throw SalesforceErrors.malformedQuery(`${item.fn} needs a number field`);
      if (values.length === 0) return null;
      const sum = (values as number[]).reduce((a, b) => a + b, 0);
      return item.fn === 'SUM' ? sum : sum / values.length;
    }
    case 'MIN':
    case 'MAX': {
      if (values.length === 0) return null;
      const sorted = [...values].sort((a, b) => compareValues(comparable(path.def, a), comparable(path.def, b)));
      return item.fn === 'MIN' ? sorted[0] : sorted[sorted.length - 1];
    }
  }
}

function aggregateRows(
  source: SoqlSource,
  compiler: QueryCompiler,
  query: Query,
  items: SelectItem[],
  rows: SRecord[],
  groupByClauses: ReturnType<typeof asList<NonNullable<Query['groupBy']>>>,
): QueryRecord[] {
  const groupPaths = groupByClauses.map((clause) => {
    const c = clause as { field?: string };
    if (!c.field) throw SalesforceErrors.malformedQuery('GROUP BY a function is not supported by this org');
    return compiler.path(c.field);
  });
  for (const item of items) {
    if (item.kind === 'field' && !groupPaths.some((g) => samePath(g, item.path))) {
      throw SalesforceErrors.malformedQuery(`Field must be grouped or aggregated: ${item.path.leaf}`);
    }
  }
  const groups = new Map<string, SRecord[]>();
  for (const row of rows) {
    const key = JSON.stringify(groupPaths.map((p) => comparable(p.def, valueAt(source, row, p))));
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  if (groupPaths.length === 0 && groups.size === 0) groups.set('[]', []);

  const aggregateItems = items.filter((i): i is Extract<SelectItem, { kind: 'aggregate' }> => i.kind === 'aggregate');
  const resolveFn = (fn: FunctionExp): Extract<SelectItem, { kind: 'aggregate' }> => {
    const raw = (fn.rawValue ?? '').toLowerCase().replace(/\s+/g, '');
    const selected = aggregateItems.find((i) => i.raw.replace(/\s+/g, '') === raw);
    if (selected) return selected;
    const name = (fn.functionName ?? '').toUpperCase();
    const parameter = fn.parameters?.[0];
    if (!AGGREGATES.has(name)) throw SalesforceErrors.malformedQuery(`Unknown function ${fn.rawValue ?? name}`);
    return {
      kind: 'aggregate',
      fn: name as Aggregate,
      path: typeof parameter === 'string' ? compiler.path(parameter) : null,
      name: raw,
      raw,
    };
  };

  let entries = [...groups.values()].map((group) => ({ group, first: group[0] }));
  if (query.having) {
    const tree = parseBool(tokensOf(query.having));
    entries = entries.filter(({ group, first }) =>
      evaluate(tree, (condition) => {
        const c = condition as {
          fn?: FunctionExp;
          field?: string;
          operator: string;
          value: string;
          literalType?: LiteralType;
        };
        if (c.fn) {
          const value = aggregate(source, resolveFn(c.fn), group);
          const right = c.literalType === 'NULL' ? null : Number(c.value);
          return matches(value as Comparable, c.operator.toUpperCase(), { kind: 'value', value: right });
        }
        const path = compiler.path(String(c.field));
        const right = operand(path.def, c.value, c.literalType, Date.now());
        return matches(
          comparable(path.def, first ? valueAt(source, first, path) : null),
          c.operator.toUpperCase(),
          right,
        );
      }),
    );
  }

  let records = entries.map(({ group, first }) => {
    const out: QueryRecord = { attributes: { type: 'AggregateResult' } };
    for (const item of items) {
      if (item.kind === 'aggregate') out[item.name] = aggregate(source, item, group);
      else out[item.alias ?? item.path.leaf] = first ? valueAt(source, first, item.path) : null;
    }
    return { out, group, first };
  });

  const orderBy = asList(query.orderBy);
  if (orderBy.length > 0) {
    const keys = orderBy.map((clause) => {
      const value =
        'fn' in clause
          ? (entry: (typeof records)[number]) => aggregate(source, resolveFn(clause.fn), entry.group) as Comparable
          : (() => {
              const path = compiler.path(clause.field);
              return (entry: (typeof records)[number]) =>
                comparable(path.def, entry.first ? valueAt(source, entry.first, path) : null);
            })();
      return { value, ...directions(clause) };
    });
    records = [...records].sort((a, b) => {
      for (const key of keys) {
        const order = compareOrdered(key.value(a), key.value(b), key);
        if (order !== 0) return order;
      }
      return 0;
    });
  }
  return applyLimit(records, query).map((r) => r.out);
}

function samePath(a: FieldPath, b: FieldPath): boolean {
  return (
    a.leaf === b.leaf && a.steps.map((s) => s.relationship).join('.') === b.steps.map((s) => s.relationship).join('.')
  );
}
