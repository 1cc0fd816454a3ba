import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { CanonicalEvent } from '@conduit/events';
import { parseHl7 } from '@conduit/hl7v2';
import { mapToCanonical, type MappingContext } from './map-message.ts';

/*
 * Shared by the *.test.ts files of this lib: message builders and bundle lookups. Messages are
 * written one segment per array element and joined with CR, as MLLP delivers them.
 */

/**
 * The public corpus (../shared/corpus) as @conduit/hl7v2 vendors it, so these tests run on any
 * machine; hl7v2's corpus test holds the copy to the shared one wherever that is present.
 */
export const CORPUS_DIR = resolvePath(import.meta.dirname, '../../hl7v2/fixtures/corpus');

export function readCorpus(name: string): string {
  return readFileSync(`${CORPUS_DIR}/${name}`, 'utf8');
}

export function hl7(...segments: string[]): string {
  return segments.join('\r') + '\r';
}

export const TEST_CONTEXT: MappingContext = {
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  receivedAt: '2026-11-22T13:00:01.250Z',
  listener: 'mllp-test',
  patientKeySecret: Buffer.from('test-patient-key-secret'),
};

/** The event as subscribers read it: its JSON (an emptied optional part is an undefined property in memory). */
export function mapText(text: string, ctx: Partial<MappingContext> = {}): CanonicalEvent {
  return asPublished(mapToCanonical(parseHl7(text), { ...TEST_CONTEXT, ...ctx }));
}

export function asPublished<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function all<T extends Resource>(bundle: Bundle, resourceType: T['resourceType']): T[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is T => r?.resourceType === resourceType);
}

export function one<T extends Resource>(bundle: Bundle, resourceType: T['resourceType']): T {
  const found = all<T>(bundle, resourceType);
  if (found.length !== 1) throw new Error(`expected one ${resourceType}, found ${found.length}`);
  return found[0]!;
}

/** The resource a `urn:uuid:` reference points at. */
export function resolve<T extends Resource>(bundle: Bundle, reference: { reference?: string } | undefined): T {
  const entry = (bundle.entry ?? []).find((e) => e.fullUrl === reference?.reference);
  if (!entry?.resource) throw new Error(`unresolved reference ${reference?.reference}`);
  return entry.resource as T;
}

export function unmappedPaths(event: CanonicalEvent): string[] {
  return (event.mappingReport?.unmapped ?? []).map((u) => u.path);
}

export const MSH_ADT = (event: string, structure = 'ADT_A01', control = 'CTL0001') =>
  `MSH|^~\\&|EPIC|GOODHEALTH|CONDUIT|CONDUIT|20261122080000-0500||ADT^${event}^${structure}|${control}|P|2.5.1`;

/** A segment from numbered fields, so tests name HL7 positions instead of counting bars. */
export function seg(name: string, fields: Readonly<Record<number, string>>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  const out: string[] = [name];
  for (let f = 1; f <= last; f++) out.push(fields[f] ?? '');
  return out.join('|');
}
