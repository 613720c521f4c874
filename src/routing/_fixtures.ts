/** Runtime channels for routing unit tests, built the way the gateway builds them. */
import { Config } from "../config/schema.ts";
import type { AnyPlugin } from "../plugin/validate.ts";
import { buildChannels, type Channel } from "./channel.ts";
import type { Candidate } from "./resolve.ts";

const openai: AnyPlugin = { name: "openai", defaults: { base_url: "http://127.0.0.1:1" } };

export function fakeChannel(name: string, fields: Record<string, unknown> = {}): Channel {
  const config = Config.parse({
    channels: [{ name, plugin: "openai", models: ["m"], keys: ["k"], retry: 0, ...fields }],
  });
  const built = buildChannels(config, new Map([["openai", openai]]), []);
  if (built.channels.length !== 1) throw new Error(built.problems.join("; "));
  return built.channels[0];
}

export function candidate(name: string, fields: Record<string, unknown> = {}): Candidate {
  return { channel: fakeChannel(name, fields), upstreamModel: "m" };
}
