/** What a Responses request converted for a chat channel cannot carry. */

/**
 * A request (or item) that chat cannot express. The ingress turns it into a 400 naming `param`,
 * and the failover loop tries a channel that speaks Responses natively, if any.
 */
export class ConversionError extends Error {
  override name = "ConversionError";
  /** The offending field, e.g. `input[2].content[0].file_url` or `tools[0]`. */
  constructor(message: string, readonly param: string) {
    super(message);
  }
}
