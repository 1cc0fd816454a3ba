import type { Hl7Message } from '@conduit/hl7v2';
import type { BundleBuilder } from './bundle-builder.ts';
import type { DateConverter } from './datatypes/dtm.ts';
import type { IdentifierSystemResolver } from './identifier-systems.ts';
import { deriveResourceId, identityResourceId, resourceIdInput } from './resource-id.ts';
import { delimiterClasses, SegmentReader } from './segment-reader.ts';

/** Everything one message's mapping shares: readers with usage tracking, the bundle, converters. */
export interface MapScope {
  readonly eventId: string;
  readonly message: Hl7Message;
  readonly bundle: BundleBuilder;
  readonly dates: DateConverter;
  readonly systems: IdentifierSystemResolver;
  /** MSH-4.1, the default assigning authority. */
  readonly sendingFacility: string;
  reader(index: number): SegmentReader;
  readonly readers: ReadonlyMap<number, SegmentReader>;
  /** Id for a resource known by identity (authority + identifier, code, …), which other messages name too. */
  id(resourceType: string, ...parts: readonly string[]): string;
  /** Id for a resource known by an identity only this message has (its event id, its report's results): not remembered. */
  messageId(resourceType: string, ...parts: readonly string[]): string;
  /** Id for a resource known only by its place in this message (segment position, field, repetition). */
  positionId(resourceType: string, reader: SegmentReader, ...parts: readonly (string | number)[]): string;
}

export function createMapScope(o: {
  eventId: string;
  message: Hl7Message;
  bundle: BundleBuilder;
  dates: DateConverter;
  systems: IdentifierSystemResolver;
  sendingFacility: string;
}): MapScope {
  const segments = o.message.segments;
  const readers = new Map<number, SegmentReader>();
  const classes = delimiterClasses(o.message.delimiters);
  return {
    ...o,
    readers,
    reader(index) {
      let r = readers.get(index);
      if (!r) {
        r = new SegmentReader(segments[index]!, index, classes);
        readers.set(index, r);
      }
      return r;
    },
    id: (resourceType, ...parts) => identityResourceId(resourceIdInput(resourceType, parts)),
    messageId: deriveResourceId,
    positionId: (resourceType, reader, ...parts) => deriveResourceId(resourceType, o.eventId, `${reader.name}@${reader.index}`, ...parts.map(String)),
  };
}
