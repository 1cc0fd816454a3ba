import type { Identifier, Provenance, Reference } from '@medplum/fhirtypes';
import { TERMINOLOGY } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import type { MapScope } from '../map-scope.ts';
import { locationByName } from '../resources/location.ts';
import { practitionerFromXcn } from '../resources/practitioner.ts';
import type { SegmentReader } from '../segment-reader.ts';
import type { MessageFacts } from './msh.ts';

const PARTICIPANT_TYPE = `${TERMINOLOGY}provenance-participant-type`;
/** The engine's own identity in Provenance agents (who performed the transformation). */
const CONDUIT = { identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:conduit:normalize' }, display: 'Conduit normalize' } as const;
export const RAW_EVENT_SYSTEM = 'urn:conduit:raw-event-id';

export interface ProvenanceInput {
  readonly targets: readonly Reference[];
  readonly rawEventId: string;
  readonly receivedAt: string;
  readonly mappingVersion: string;
}

/** MSH-10 as an Identifier (Bundle.identifier, MSH[Bundle]); control ids are unique per sender, so the system names the sender. */
export function controlIdentifier(facts: MessageFacts): Identifier {
  return { system: `urn:conduit:control-id:${encodeURIComponent(facts.sendingFacility.namespace || facts.sendingApplication.namespace || 'unknown')}`, value: facts.controlId };
}

/**
 * Provenance[1] "source" (MSH[Provenance-Source] @ 04f95a12): recorded/occurred from MSH-7,
 * activity display "message - MSG.1^MSG.2^MSG.3", agent author = the sending facility
 * (MSH-4; the responsible organization MSH-22 as a second author), entity role source = the
 * raw message as Conduit stored it (raw event id), its control id (MSH-10) and the sending
 * application (MSH-3). recorded falls back to the receipt time when MSH-7 has no time.
 */
export function sourceProvenance(scope: MapScope, facts: MessageFacts, input: ProvenanceInput): Provenance & { id: string } {
  const agent: Provenance['agent'] = [];
  const author = { type: { coding: [{ system: PARTICIPANT_TYPE, code: 'author', display: 'Author' }] } };
  if (facts.sender) agent.push({ ...author, who: facts.sender });
  if (facts.responsible) agent.push({ ...author, who: facts.responsible });
  if (agent.length === 0) agent.push({ ...author, who: { display: facts.sendingApplication.namespace || 'unknown sender' } });
  const app = facts.sendingApplication;
  return {
    resourceType: 'Provenance',
    id: scope.messageId('Provenance', scope.eventId, 'source'),
    target: [...input.targets],
    occurredDateTime: facts.messageDateTime,
    recorded: facts.messageInstant ?? input.receivedAt,
    activity: { coding: [{ display: `message - ${[facts.messageCode, facts.triggerEvent, facts.structure].filter((p) => p !== '').join('^')}` }] },
    agent,
    entity: [
      { role: 'source', what: { identifier: { system: RAW_EVENT_SYSTEM, value: input.rawEventId }, display: 'HL7 v2 message as received' } },
      ...(facts.controlId ? [{ role: 'source' as const, what: { identifier: controlIdentifier(facts), display: 'HL7 v2 message control id (MSH-10)' } }] : []),
      ...(app.namespace || app.universalId
        ? [{ role: 'source' as const, what: { identifier: { system: 'urn:conduit:sending-application', value: app.namespace || app.universalId }, display: 'sending application (MSH-3)' } }]
        : []),
    ],
  };
}

/**
 * Provenance[2] "transformation" (MSH[Provenance-Transformation]): activity v2-fhir-transformation,
 * agent assembler = Conduit, policy = the mapping version. `recorded` is the receipt time, not
 * the clock: re-normalizing must give the same bundle byte for byte.
 */
export function transformationProvenance(scope: MapScope, input: ProvenanceInput): Provenance & { id: string } {
  return {
    resourceType: 'Provenance',
    id: scope.messageId('Provenance', scope.eventId, 'transformation'),
    target: [...input.targets],
    recorded: input.receivedAt,
    policy: [`urn:conduit:fhir-map:${input.mappingVersion}`],
    activity: { coding: [{ system: 'http://hl7.org/fhir/uv/v2mappings/CodeSystem/provenance-activity-type-v2-to-fhir', code: 'v2-fhir-transformation' }] },
    agent: [{ type: { coding: [{ system: PARTICIPANT_TYPE, code: 'assembler', display: 'Assembler' }] }, who: CONDUIT }],
    entity: [{ role: 'source', what: { identifier: { system: RAW_EVENT_SYSTEM, value: input.rawEventId } } }],
  };
}

/**
 * EVN → Provenance[3] (EVN[Provenance] @ 31ff55f0): EVN-2 recorded, EVN-4 reason (U → data
 * absent), EVN-5 operator → agent (else the sending facility), EVN-6 occurred, EVN-7 facility
 * → location. EVN-1 is not used: MSH-9.2 is the event (public feeds send EVN|A01 in A08s).
 */
export function eventProvenance(scope: MapScope, evn: SegmentReader, facts: MessageFacts, input: ProvenanceInput): Provenance & { id: string } {
  const recordedText = evn.get(2);
  const recorded = recordedText ? scope.dates.instant(recordedText) : undefined;
  if (recordedText && !recorded) evn.drop(2);
  const occurredText = evn.get(6);
  const occurred = occurredText ? scope.dates.dateTime(occurredText) : undefined;
  if (occurredText && !occurred) evn.drop(6);
  const reasonCode = evn.peek(4);
  const reason = reasonCode === 'U'
    ? { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] }
    : toCodeableConcept(evn.field(4), `${TERMINOLOGY}v2-0062`);
  if (reasonCode === 'U') evn.get(4);
  const agent: Provenance['agent'] = [];
  for (let r = 1; r <= evn.reps(5); r++) {
    const who = practitionerFromXcn(scope, evn, 5, r);
    if (who) agent.push({ type: { coding: [{ system: PARTICIPANT_TYPE, code: 'enterer', display: 'Enterer' }] }, who });
  }
  if (agent.length === 0) {
    agent.push({ type: { coding: [{ system: PARTICIPANT_TYPE, code: 'author', display: 'Author' }] }, who: facts.responsible ?? facts.sender ?? { display: facts.sendingApplication.namespace || 'unknown sender' } });
  }
  const facility = evn.get(7, 1, 1) || evn.get(7, 1, 2);
  return {
    resourceType: 'Provenance',
    id: scope.messageId('Provenance', scope.eventId, 'event'),
    target: [...input.targets],
    occurredDateTime: occurred,
    recorded: recorded ?? facts.messageInstant ?? input.receivedAt,
    reason: reason ? [reason] : undefined,
    activity: { coding: [{ display: `event - ${facts.messageCode}^${facts.triggerEvent}` }] },
    agent,
    location: locationByName(scope, facility),
  };
}
