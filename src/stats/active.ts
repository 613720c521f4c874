/**
 * Requests in flight, streams included: counted from the moment a request's record opens until
 * it is recorded (for a stream, when the stream ends), so it agrees with the access log.
 */
import type { Recorder, RequestRecord } from "./record.ts";

export class ActiveRequests {
  count = 0;

  /** `recorder`, counting each record as one request fewer in flight. */
  counting(recorder: Recorder): Recorder {
    return {
      record: (r: RequestRecord) => {
        this.count--;
        recorder.record(r);
      },
    };
  }
}
