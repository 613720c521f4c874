/**
 * Human-friendly units in the config: durations ("30s", "1.5m", "250ms") and byte sizes
 * ("10MiB", "512KB"). Bare numbers are seconds and bytes respectively.
 */
import { z } from "zod";

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses `"30s"`, `"5m"`, `"250ms"`, `"7d"` or a number of seconds into milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return value >= 0 ? value * 1000 : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2].toLowerCase()];
}

/** Parses `"10MiB"`, `"1MB"`, `"512"` or a number of bytes into bytes. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === "number") return value >= 0 ? Math.floor(value) : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(value);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? "b").toLowerCase()]);
}

/** A duration field: accepts `"30s"`-style strings or seconds, yields milliseconds. */
export const durationMs = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `Invalid duration ${JSON.stringify(value)}: use e.g. "500ms", "30s", "5m", "7d"`,
    });
    return z.NEVER;
  }
  return ms;
});

/** A size field: accepts `"10MiB"`-style strings or bytes, yields bytes. */
export const sizeBytes = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `Invalid size ${JSON.stringify(value)}: use e.g. "512KiB", "10MiB"`,
    });
    return z.NEVER;
  }
  return bytes;
});
