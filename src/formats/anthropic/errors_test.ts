import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import { errorBody, errorTypeOfStatus, statusOfErrorType } from "./errors.ts";
import { ErrorBody } from "./response.ts";

Deno.test("errorTypeOfStatus() follows Anthropic's table", () => {
  const table: [number, string][] = [
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "request_too_large"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [529, "overloaded_error"],
    [502, "api_error"],
    [504, "api_error"],
  ];
  for (const [status, type] of table) assert.equal(errorTypeOfStatus(status), type, String(status));
  assert.equal(errorTypeOfStatus(503, "overloaded_error"), "overloaded_error");
  assert.equal(errorTypeOfStatus(504, "timeout_error"), "timeout_error");
  assert.equal(errorTypeOfStatus(502, "upstream_error"), "api_error");
});

Deno.test("statusOfErrorType() reads fixture error bodies", () => {
  const overloaded = ErrorBody.parse(fixtureJson("error_overloaded.json"));
  assert.equal(statusOfErrorType(overloaded.error.type), 529);
  const invalid = ErrorBody.parse(fixtureJson("error_invalid_request.json"));
  assert.equal(statusOfErrorType(invalid.error.type), 400);
  assert.equal(statusOfErrorType("brand_new_error"), 502);
});

Deno.test("errorBody() builds Anthropic's error shape", () => {
  assert.deepEqual(errorBody(401, "No key"), {
    type: "error",
    error: { type: "authentication_error", message: "No key" },
  });
});
