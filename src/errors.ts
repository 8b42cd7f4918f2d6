/** What went wrong, in the terms of the exit-code table: the kind decides the exit code. */
export type ErrorKind = 'usage' | 'input' | 'data' | 'threshold' | 'internal';

export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  threshold: 1,
  usage: 2,
  input: 3,
  data: 4,
  internal: 70,
};

/** A problem the user can act on: one line of message, optionally one line of hint. */
export class NpsError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, hint?: string) {
    super(message);
    this.name = 'NpsError';
    this.kind = kind;
    this.hint = hint;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export const usageError = (message: string, hint?: string) => new NpsError('usage', message, hint);
export const inputError = (message: string, hint?: string) => new NpsError('input', message, hint);
export const dataError = (message: string, hint?: string) => new NpsError('data', message, hint);
