import type { ContactPoint, Extension } from '@medplum/fhirtypes';
import type { MapScope } from '../map-scope.ts';
import type { Components } from '../segment-reader.ts';
import { TELECOM_EQUIPMENT, TELECOM_USE } from '../vocab/patient.ts';
import { toPeriod, type WithPrimitiveExtension, type Place } from './period.ts';

/** XTN.13 effective start date, XTN.14 expiration date. */
const PERIOD_START: readonly Place[] = [[13, 1]];
const PERIOD_END: readonly Place[] = [[14, 1]];

const uses: Readonly<Record<string, ContactPoint['use']>> = TELECOM_USE;
const equipment: Readonly<Record<string, { readonly system: ContactPoint['system']; readonly use?: ContactPoint['use'] }>> = TELECOM_EQUIPMENT;
const EXT = 'http://hl7.org/fhir/StructureDefinition/contactpoint-';
const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/**
 * XTN → ContactPoint (IG XTN[ContactPoint]). value: XTN.4 for Internet/X.400 (or when XTN.3
 * is empty and only an address is given), else XTN.12 unformatted number, else the number
 * assembled from XTN.5–.8 (with the contactpoint-country/-area/-local/-extension
 * extensions), else XTN.1. use from XTN.2 (table 0201), else `defaultUse` when XTN.2 is
 * empty (PID-13 home, PID-14 work); CP equipment means use mobile. system from XTN.3
 * (table 0202); when XTN.3 and XTN.4 are both empty the system is data-absent-reason
 * `unknown`, as the sheet says (cpt-2, a value needs a system, accepts it). XTN.13/.14 period,
 * XTN.18 rank.
 */
export function toContactPoint(scope: MapScope, c: Components, defaultUse?: ContactPoint['use']): WithPrimitiveExtension<ContactPoint, 'system'> | undefined {
  const equip = c.get(3);
  const useCode = c.get(2);
  const mapped = equipment[equip];
  if (equip && !mapped) c.drop(3);
  let value: string;
  let system = mapped?.system;
  const extension: Extension[] = [];
  if (equip === 'Internet' || equip === 'X.400' || (equip === '' && c.peek(4) !== '' && c.peek(1) === '')) {
    value = c.get(4);
    system = 'email';
  } else if (c.peek(12) !== '') {
    value = c.get(12);
  } else if (c.peek(7) !== '') {
    const parts = [[5, 'country'], [6, 'area'], [7, 'local'], [8, 'extension']] as const;
    const got = parts.map(([i, name]) => {
      const v = c.get(i);
      if (v) extension.push({ url: `${EXT}${name}`, valueString: v });
      return v;
    });
    value = [got[0] ? `+${got[0]}` : '', got[1], got[2]].filter((p) => p !== '').join(' ') + (got[3] ? ` X${got[3]}` : '');
  } else {
    value = c.get(1);
  }
  if (value === '') {
    if (equip) c.drop(3);
    if (useCode) c.drop(2);
    return undefined;
  }
  let use = mapped?.use ?? uses[useCode];
  if (useCode && !uses[useCode]) c.drop(2);
  if (use === undefined && useCode === '') use = defaultUse;
  const rank = c.get(18);
  const rankNumber = /^[1-9]\d{0,8}$/.test(rank) ? Number(rank) : undefined;
  if (rank && rankNumber === undefined) c.drop(18);
  return {
    extension: extension.length ? extension : undefined,
    system,
    _system: system ? undefined : { extension: [{ url: DATA_ABSENT, valueCode: 'unknown' }] },
    value,
    use,
    rank: rankNumber,
    period: toPeriod(scope, c, PERIOD_START, PERIOD_END),
  };
}
