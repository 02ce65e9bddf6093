import type { Advisory, Reference, Severity, StoredAdvisory } from '../model.js';
import { SEVERITY_TYPES } from '../model.js';

/**
 * Row encodings. Documents are JSON with empty lists left out (most distro rows have no
 * versions, severity or note), which keeps the file small. Decoding checks every field's type:
 * a database file is input too, and a damaged one must fail with a clear error, not crash
 * the matcher later.
 */

export class CorruptRowError extends Error {}

type Json = Record<string, unknown>;

function dropEmpty(value: Json): Json {
  const out: Json = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = field;
  }
  return out;
}

export function encodeAdvisoryDoc(advisory: Omit<Advisory, 'affected'>): string {
  return JSON.stringify(
    dropEmpty({
      id: advisory.id,
      aliases: advisory.aliases,
      related: advisory.related,
      summary: advisory.summary,
      details: advisory.details,
      severity: advisory.severity,
      cwes: advisory.cwes,
      references: advisory.references,
      url: advisory.url,
      published: advisory.published,
      modified: advisory.modified,
      withdrawn: advisory.withdrawn,
    }),
  );
}

function parseObject(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CorruptRowError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CorruptRowError(`${what} is not an object`);
  return value as Json;
}

function optionalString(doc: Json, key: string): string | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CorruptRowError(`field ${key} is not a string`);
  return value;
}

function stringList(doc: Json, key: string): string[] {
  const value = doc[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string'))
    throw new CorruptRowError(`field ${key} is not a list of strings`);
  return value;
}

function objectList(doc: Json, key: string): Json[] {
  const value = doc[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'object' && item !== null))
    throw new CorruptRowError(`field ${key} is not a list of objects`);
  return value as Json[];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw new CorruptRowError(`${what} ${String(value)} is not one of ${allowed.join(', ')}`);
}

function decodeSeverity(list: Json[]): Severity[] {
  return list.map((item) => {
    const score = optionalString(item, 'score');
    if (score === undefined) throw new CorruptRowError('severity without score');
    const source = optionalString(item, 'source');
    return {
      type: oneOf(item['type'], SEVERITY_TYPES, 'severity type'),
      score,
      ...(source === undefined ? {} : { source }),
    };
  });
}

function decodeReferences(list: Json[]): Reference[] {
  return list.map((item) => {
    const type = optionalString(item, 'type');
    const url = optionalString(item, 'url');
    if (type === undefined || url === undefined)
      throw new CorruptRowError('reference without type or url');
    return { type, url };
  });
}

export function decodeAdvisoryDoc(text: string, source: string): StoredAdvisory {
  const doc = parseObject(text, 'advisory document');
  const id = optionalString(doc, 'id');
  if (id === undefined) throw new CorruptRowError('advisory document without id');
  const optional = (
    key: 'summary' | 'details' | 'url' | 'published' | 'modified' | 'withdrawn',
  ): Partial<Record<typeof key, string>> => {
    const value = optionalString(doc, key);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    source,
    id,
    aliases: stringList(doc, 'aliases'),
    related: stringList(doc, 'related'),
    severity: decodeSeverity(objectList(doc, 'severity')),
    cwes: stringList(doc, 'cwes'),
    references: decodeReferences(objectList(doc, 'references')),
    ...optional('summary'),
    ...optional('details'),
    ...optional('url'),
    ...optional('published'),
    ...optional('modified'),
    ...optional('withdrawn'),
  };
}

function union<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set(a.map(key));
  const out = [...a];
  for (const item of b) {
    const k = key(item);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}

/**
 * Merges a distro fragment into what is stored for the same advisory: lists are unioned, a
 * missing text is filled in, and dates keep the newest (modified) or earliest (published).
 */
export function mergeAdvisoryDocs(
  stored: Omit<Advisory, 'affected'>,
  incoming: Omit<Advisory, 'affected'>,
): Omit<Advisory, 'affected'> {
  const pick = (
    a: string | undefined,
    b: string | undefined,
    prefer: 'min' | 'max' | 'first',
  ): string | undefined => {
    if (a === undefined) return b;
    if (b === undefined || prefer === 'first') return a;
    return prefer === 'max' ? (a > b ? a : b) : a < b ? a : b;
  };
  const text = (
    key: 'summary' | 'details' | 'url' | 'published' | 'modified' | 'withdrawn',
    prefer: 'min' | 'max' | 'first',
  ): Partial<Record<typeof key, string>> => {
    const value = pick(stored[key], incoming[key], prefer);
    return value === undefined ? {} : { [key]: value };
  };
  const same = (s: string): string => s;
  return {
    id: stored.id,
    aliases: union(stored.aliases, incoming.aliases, same),
    related: union(stored.related, incoming.related, same),
    severity: union(
      stored.severity,
      incoming.severity,
      (s) => `${s.type}\0${s.score}\0${s.source ?? ''}`,
    ),
    cwes: union(stored.cwes, incoming.cwes, same),
    references: union(stored.references, incoming.references, (r) => r.url),
    ...text('summary', 'first'),
    ...text('details', 'first'),
    ...text('url', 'first'),
    ...text('published', 'min'),
    ...text('modified', 'max'),
    ...text('withdrawn', 'first'),
  };
}
