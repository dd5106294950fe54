/** An error the respond module reports to its caller in plain words (the API maps `code` to a status). */
export class RespondError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid' | 'unavailable' | 'state',
    message: string,
  ) {
    super(message);
    this.name = 'RespondError';
  }
}
