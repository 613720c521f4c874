/** Minimal runtime channels for routing unit tests. */
import { Channel as ChannelSchema } from "../config/schema.ts";
import type { Channel } from "./channel.ts";
import { KeyPool } from "./key_pool.ts";
import type { Candidate } from "./resolve.ts";

export function fakeChannel(name: string, fields: Record<string, unknown> = {}): Channel {
  const config = ChannelSchema.parse({ name, plugin: "openai", models: ["m"], ...fields });
  return {
    name,
    config,
    plugin: { name: "openai" },
    info: { name, baseUrl: "http://127.0.0.1:1", options: {} },
    keys: new KeyPool(["k"]),
    retry: 0,
    timeout: 1000,
    streamTimeout: 1000,
    streamIdleTimeout: 1000,
    endpoints: new Set(["chat", "completions", "embeddings"]),
  };
}

export function candidate(name: string, fields: Record<string, unknown> = {}): Candidate {
  return { channel: fakeChannel(name, fields), upstreamModel: "m" };
}
