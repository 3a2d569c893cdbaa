/** A body that is not a well-formed call: answered with a clean protocol error, never a crash. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    /** What the decoder expected and what it found, for XMLRPC_UNMARSHAL_FAILURE [expected, received]. */
    readonly expected = 'methodCall',
    readonly received = '',
  ) {
    super(message);
  }
}
