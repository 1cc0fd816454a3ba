import type { Address } from '@medplum/fhirtypes';
import type { MapScope } from '../map-scope.ts';
import type { Components } from '../segment-reader.ts';
import { ADDRESS_TYPE, ADDRESS_USE } from '../vocab/patient.ts';
import { toPeriod, type Place } from './period.ts';

/** XAD.13 effective date, else XAD.12.1 (DR); XAD.14 expiration date, else XAD.12.2. */
const PERIOD_START: readonly Place[] = [[13, 1], [12, 1]];
const PERIOD_END: readonly Place[] = [[14, 1], [12, 2]];

const uses: Readonly<Record<string, Address['use']>> = ADDRESS_USE;
const types: Readonly<Record<string, Address['type']>> = ADDRESS_TYPE;
const CENSUS_TRACT = 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-censusTract';

/**
 * XAD → Address (IG XAD[Address]): XAD.1 (SAD: street, street name, dwelling number) and
 * XAD.2 and XAD.19 addressee → line, .3 city, .4 state, .5 postalCode, .6 country, .7 use or
 * type (AddressType[Use] / AddressType[Type]), .9 county → district, .10 census tract
 * extension, .12 (DR) or .13/.14 → period.
 */
export function toAddress(scope: MapScope, c: Components): Address | undefined {
  const street = [c.get(1, 1), c.get(1, 2), c.get(1, 3)].filter((p) => p !== '').join(' ');
  const line = [street, c.get(2), c.get(19)].filter((p) => p !== '');
  const code = c.get(7);
  const use = uses[code];
  const type = types[code];
  if (code && !use && !type) c.drop(7);
  const tract = c.get(10);
  const address: Address = {
    extension: tract ? [{ url: CENSUS_TRACT, valueString: tract }] : undefined,
    use,
    type,
    line: line.length ? line : undefined,
    city: c.get(3) || undefined,
    district: c.get(9) || undefined,
    state: c.get(4) || undefined,
    postalCode: c.get(5) || undefined,
    country: c.get(6) || undefined,
    period: toPeriod(scope, c, PERIOD_START, PERIOD_END),
  };
  if (!address.line && !address.city && !address.district && !address.state && !address.postalCode && !address.country && !tract) {
    if (code) c.drop(7);
    return undefined;
  }
  return address;
}
