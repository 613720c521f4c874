/**
 * The error a plugin (or a format converter) throws for a failure the upstream reported in its
 * own words: a blocked prompt, an error event inside a 200 stream, a body that is not what the
 * API promises. Its own module so converters can throw it without importing the contract back.
 */

/**
 * Before the first byte reached the client this fails over like an HTTP error with `status`
 * (4xx go back to the client, 5xx and 429 move on); after it, the client's stream ends with an
 * error event.
 */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(readonly status: number, message: string, readonly type = "upstream_error") {
    super(message);
  }
}
