/**
 * Exit codes scripts can rely on (stable: never renumbered). 0 is success; each failure class has
 * its own code, whatever the command.
 */
export const EXIT = {
  ok: 0,
  /** Unexpected failure (a bug, or an answer the CLI does not understand). */
  failure: 1,
  /** Bad command line: unknown command or flag, missing argument. */
  usage: 2,
  /** 401: no token, or a malformed, badly signed or expired one. */
  unauthenticated: 3,
  /** 403: the token lacks the scope. */
  forbidden: 4,
  /** 404/410: no such id, or its payload is gone (expired or purged). */
  notFound: 5,
  /** Any other 4xx: the API refused the request (missing reason, invalid replay…). */
  refused: 6,
  /** 5xx, or the API did not answer. */
  unavailable: 7,
  /** `audit verify` found a broken link. */
  chainBroken: 8,
  /** `replay … --wait` ended in cancelled or failed. */
  replayNotCompleted: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401) return EXIT.unauthenticated;
  if (status === 403) return EXIT.forbidden;
  if (status === 404 || status === 410) return EXIT.notFound;
  if (status >= 400 && status < 500) return EXIT.refused;
  return EXIT.unavailable;
}
