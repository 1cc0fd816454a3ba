import type { Hl7Message } from './parse.ts';

export interface PatientIdentity {
  /** PID-3.4 assigning authority, else the sending facility (MSH-4). */
  readonly authority: string;
  readonly mrn: string;
}

/**
 * The identifier a patient is keyed by: the PID-3 repetition whose CX.5 type is MR (medical
 * record number), else the first repetition. Undefined for messages without a patient.
 */
export function findPatientIdentity(message: Hl7Message): PatientIdentity | undefined {
  const pid = message.segment('PID');
  if (!pid) return undefined;
  const reps = pid.repetitions(3).length;
  let rep = 1;
  for (let r = 1; r <= reps; r++) {
    if (pid.get(3, r, 5) === 'MR') {
      rep = r;
      break;
    }
  }
  const mrn = pid.get(3, rep, 1);
  if (!mrn) return undefined;
  return { authority: pid.get(3, rep, 4) || message.msh.get(4), mrn };
}
