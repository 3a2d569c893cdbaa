/** An XAPI failure: ErrorDescription = [code, ...params] on the wire, kept whole end to end. */
export class XapiError extends Error {
  readonly code: string;
  readonly params: string[];
  constructor(code: string, params: readonly unknown[] = []) {
    super(`${code}(${params.join(', ')})`);
    this.code = code;
    this.params = params.map((p) => String(p));
  }
  get description(): string[] {
    return [this.code, ...this.params];
  }
}

/** Anything thrown inside a handler becomes an XAPI failure; unknown exceptions are INTERNAL_ERROR as in xapi. */
export function toXapiError(err: unknown): XapiError {
  if (err instanceof XapiError) return err;
  return new XapiError('INTERNAL_ERROR', [err instanceof Error ? err.message : String(err)]);
}
