/**
 * Counts requests in flight, from the handler's start until the response, streamed body
 * included, has been delivered (or the client went away), so a shutdown knows what it is
 * waiting for. Costs a counter and one promise callback per request.
 */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  get count(): number {
    return this.#count;
  }

  /** `handler`, counted. */
  wrap<A extends Deno.Addr>(handler: Deno.ServeHandler<A>): Deno.ServeHandler<A> {
    return (request, info) => {
      // `completed` settles when the last byte is out (rejects when the client left first).
      // A runtime without it (older Deno, some edge hosts) is served uncounted.
      const completed = info?.completed;
      if (completed) {
        this.#count++;
        completed.then(this.#done, this.#done);
      }
      return handler(request, info);
    };
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #done = () => {
    if (--this.#count > 0) return;
    for (const resolve of this.#waiters.splice(0)) resolve();
  };
}
