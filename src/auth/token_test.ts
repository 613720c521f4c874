import assert from "node:assert/strict";
import { geminiQueryToken, presentedToken, withoutCredentials } from "./token.ts";

Deno.test("presentedToken() reads Bearer, x-api-key and x-goog-api-key", () => {
  const token = (headers: Record<string, string>) => presentedToken(new Headers(headers));
  assert.equal(token({ authorization: "Bearer  sk-1 " }), "sk-1");
  assert.equal(token({ "x-api-key": "sk-2" }), "sk-2");
  assert.equal(token({ "x-goog-api-key": "sk-3" }), "sk-3");
  assert.equal(token({ authorization: "Basic abc" }), undefined);
});

Deno.test("geminiQueryToken() reads ?key= on Gemini's paths only", () => {
  assert.equal(geminiQueryToken("http://gw/v1beta/models/g:generateContent?key=k"), "k");
  assert.equal(geminiQueryToken("http://gw/v1/chat/completions?key=k"), undefined);
});

Deno.test("withoutCredentials() drops key parameters and anything carrying the token", () => {
  assert.equal(
    withoutCredentials(
      "?model=gpt-realtime&key=sk-gw-1&API-KEY=x&Authorization=Bearer+y&note=my+sk-gw-1&intent=a%20b",
      "sk-gw-1",
    ),
    "?model=gpt-realtime&intent=a%20b",
  );
  assert.equal(withoutCredentials("?key=k", "k"), "");
  assert.equal(
    withoutCredentials("?access_token=t&apikey=u&api_key=v&alt=sse", undefined),
    "?alt=sse",
  );
  // The token percent-encoded under an innocent name is still found.
  assert.equal(withoutCredentials("?x=sk%2Dgw%2D1&y=1", "sk-gw-1"), "?y=1");
  // What stays keeps its bytes and order, malformed encodings included.
  assert.equal(withoutCredentials("?b=%zz&a=1&&c", "t"), "?b=%zz&a=1&&c");
  assert.equal(withoutCredentials("", "t"), "");
});
