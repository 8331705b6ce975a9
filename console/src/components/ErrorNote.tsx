import { ApiFailure } from '../api';

/** The API's refusal as it sent it: status, code and message, never reworded. */
export function ErrorNote({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  return (
    <div className="error" role="alert">
      {failure ? (
        <>
          <strong>
            {failure.status || 'no answer'} {failure.code}
          </strong>
          : <span className="error-message">{failure.message}</span>
        </>
      ) : (
        <span className="error-message">{error instanceof Error ? error.message : String(error)}</span>
      )}
    </div>
  );
}
