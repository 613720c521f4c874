/**
 * Test helper: reads the Gemini wire-format fixtures in `test/fixtures/gemini/` (see the README
 * there for sources), without their `_source` field or comment lines.
 */
const DIR = new URL("../../../test/fixtures/gemini/", import.meta.url);

/** A JSON fixture, minus its `_source` citation. */
export async function jsonFixture(name: string): Promise<Record<string, unknown>> {
  const { _source, ...body } = JSON.parse(await Deno.readTextFile(new URL(name, DIR)));
  return body;
}

/** The `data` of every event in an `.sse` fixture, in order. */
export async function sseFixture(name: string): Promise<string[]> {
  const text = await Deno.readTextFile(new URL(name, DIR));
  return text.split(/\r?\n\r?\n/).map((block) =>
    block.split(/\r?\n/).filter((line) => line.startsWith("data:")).map((line) =>
      line.slice(5).trimStart()
    ).join("\n")
  ).filter((data) => data !== "");
}

/** An `.sse` fixture's raw text, as an upstream would send it. */
export function rawFixture(name: string): Promise<string> {
  return Deno.readTextFile(new URL(name, DIR));
}
