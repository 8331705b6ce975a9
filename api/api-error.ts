/** The error every API answer is made of: `{ error, message, details? }` with its status (api/errors.ts maps what the layers below throw onto it). */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra top-level fields of the body (beside error/message/details). */
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return { ...this.extra, error: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}
