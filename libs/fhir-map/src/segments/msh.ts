import type { MessageHeader, MessageHeaderDestination, MessageHeaderSource, Organization, Reference } from '@medplum/fhirtypes';
import type { WithPrimitiveExtension } from '../datatypes/period.ts';
import { v2Table } from '../code-systems.ts';
import { readHd } from '../datatypes/hd.ts';
import type { Hd } from '../identifier-systems.ts';
import type { MapScope } from '../map-scope.ts';
import { organizationFromHd, organizationFromXon } from '../resources/organization.ts';
import type { SegmentReader } from '../segment-reader.ts';

/** The MSH facts the rest of the mapping and the event envelope need. */
export interface MessageFacts {
  readonly messageCode: string;
  readonly triggerEvent: string;
  readonly structure: string;
  readonly controlId: string;
  readonly sendingApplication: Hd;
  readonly sendingFacility: Hd;
  /** MSH-7 as FHIR dateTime / instant (undefined when absent or invalid). */
  readonly messageDateTime?: string;
  readonly messageInstant?: string;
  readonly sender?: Reference<Organization>;
  readonly receiver?: Reference<Organization>;
  readonly responsible?: Reference<Organization>;
  readonly processingId: string;
  readonly language?: string;
  readonly sourceEndpoint?: string;
  readonly destination?: { readonly name?: string; readonly endpoint?: string };
  software?: { readonly name?: string; readonly version?: string };
}

const BCP47 = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** HD → MessageHeader endpoint (url): an OID/UUID/URI as such, a network address as mllp://, else a stable urn. */
function endpointOf(hd: Hd): string | undefined {
  const uid = hd.universalId;
  const type = hd.universalIdType.toUpperCase();
  if (uid !== '') {
    if (/^(https?|mllps?):\/\/\S+$/i.test(uid) || /^urn:\S+$/.test(uid)) return uid;
    if ((type === 'ISO' || type === '') && /^[0-2](\.\d+)+$/.test(uid)) return `urn:oid:${uid}`;
    if (UUID.test(uid)) return `urn:uuid:${uid.toLowerCase()}`;
    if (type === 'DNS' || type === 'IPV4') return `mllp://${uid}`;
    if (type === 'IPV6') return `mllp://[${uid}]`;
  }
  const name = hd.namespace || uid;
  return name === '' ? undefined : `urn:conduit:endpoint:${encodeURIComponent(name)}`;
}

/**
 * MSH → MessageHeader facts, Bundle identifier/timestamp and the sender, receiver and
 * responsible Organizations (MSH[MessageHeader] @ 1a7a29ad, MSH[Bundle]). MSH-12 (checked at
 * ingest), MSH-15/16 (acknowledgment stays in the engine) and MSH-18 (decoded at ingest) are
 * consumed by the engine, not mapped.
 */
export function readMsh(scope: MapScope, msh: SegmentReader): MessageFacts {
  msh.consume(12);
  msh.consume(15);
  msh.consume(16);
  msh.consume(18);
  const app = readHd(msh.field(3));
  const facility = readHd(msh.field(4));
  const receivingApp = readHd(msh.field(5));
  const receivingFacility = readHd(msh.field(6));
  const time = msh.get(7);
  const messageDateTime = time ? scope.dates.dateTime(time) : undefined;
  const messageInstant = time ? scope.dates.instant(time) : undefined;
  if (time && !messageDateTime) msh.drop(7);
  const country = msh.get(17);
  const language = msh.get(19);
  if (language && !BCP47.test(language)) msh.drop(19);
  const sendingAddress = readHd(msh.field(24));
  const receivingAddress = readHd(msh.field(25));
  const destinationEndpoint = endpointOf(receivingAddress) ?? endpointOf(receivingApp);
  return {
    messageCode: msh.get(9, 1, 1),
    triggerEvent: msh.get(9, 1, 2),
    structure: msh.get(9, 1, 3),
    controlId: msh.get(10),
    sendingApplication: app,
    sendingFacility: facility,
    messageDateTime,
    messageInstant,
    sender: organizationFromHd(scope, facility, country ? { address: [{ country }] } : {}),
    receiver: organizationFromHd(scope, receivingFacility),
    responsible: organizationFromXon(scope, msh.field(22)),
    processingId: msh.get(11, 1, 1),
    language: language && BCP47.test(language) ? language : undefined,
    sourceEndpoint: endpointOf(sendingAddress) ?? endpointOf(app),
    destination: destinationEndpoint || receivingApp.namespace ? { name: receivingApp.namespace || undefined, endpoint: destinationEndpoint } : undefined,
  };
}

/** SFT (first occurrence) → MessageHeader.source.software / version (SFT[MessageHeader]). */
export function readSft(facts: MessageFacts, sft: SegmentReader): void {
  if (facts.software) return;
  facts.software = { name: sft.get(3) || undefined, version: sft.get(2) || undefined };
}

const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/**
 * endpoint is 1..1, and FHIR JSON lets a data-absent-reason extension (`_endpoint`) stand in for a
 * primitive's value; @medplum/fhirtypes cannot express that, hence the casts where these are used.
 */
type AbsentEndpoint<T extends { endpoint: string }> = WithPrimitiveExtension<Omit<T, 'endpoint'> & { endpoint?: string }, 'endpoint'>;

export function buildMessageHeader(scope: MapScope, facts: MessageFacts, focus: readonly Reference[]): MessageHeader & { id: string } {
  const destination: MessageHeaderDestination[] = [];
  if (facts.destination || facts.receiver) {
    const entry: AbsentEndpoint<MessageHeaderDestination> = {
      name: facts.destination?.name,
      ...(facts.destination?.endpoint ? { endpoint: facts.destination.endpoint } : { _endpoint: { extension: [{ url: DATA_ABSENT, valueCode: 'unknown' }] } }),
      receiver: facts.receiver,
    };
    destination.push(entry as MessageHeaderDestination);
  }
  const source: AbsentEndpoint<MessageHeaderSource> = {
    name: facts.sendingApplication.namespace || undefined,
    software: facts.software?.name,
    version: facts.software?.version,
    // MSH[MessageHeader]: endpoint from MSH-24 else MSH-3; when both are empty, data-absent-reason.
    ...(facts.sourceEndpoint ? { endpoint: facts.sourceEndpoint } : { _endpoint: { extension: [{ url: DATA_ABSENT, valueCode: 'unknown' }] } }),
  };
  return {
    resourceType: 'MessageHeader',
    id: scope.messageId('MessageHeader', scope.eventId),
    meta: facts.processingId ? { tag: [{ system: v2Table('0103'), code: facts.processingId }] } : undefined,
    language: facts.language,
    eventCoding: { system: v2Table('0003'), code: facts.triggerEvent },
    destination,
    sender: facts.sender,
    source: source as MessageHeaderSource,
    responsible: facts.responsible,
    focus: focus.length ? [...focus] : undefined,
  };
}
