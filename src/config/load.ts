/**
 * Turns YAML text into a validated {@link Config}. Pure: the caller reads the file and the
 * environment, so this runs the same in tests, on reload and on platforms without a disk.
 */
import YAML from "yaml";
import type { z } from "zod";
import { Config } from "./schema.ts";
import { substituteDocument, type UnsetVariable } from "./env.ts";

/** A config that could not be used; `message` lists every problem with file, line and path. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly source: string, readonly problems: string[]) {
    super(`Invalid config ${source}:\n  ${problems.join("\n  ")}`);
  }
}

export interface LoadedConfig {
  config: Config;
  /** Environment references that had no value, for "channel skipped" warnings. */
  unset: UnsetVariable[];
  source: string;
}

/**
 * Parses, substitutes `${VAR}` references and validates.
 * @throws {ConfigError} naming the file, line and YAML path of each problem.
 */
export function parseConfig(
  text: string,
  source: string,
  getEnv: (name: string) => string | undefined,
): LoadedConfig {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return `${source}:${at.line}:${at.col}: ${e.message.split("\n")[0]}`;
      }),
    );
  }
  const unset = substituteDocument(doc, getEnv);
  const result = Config.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((issue) => describeIssue(issue, doc, lines, source)),
    );
  }
  return { config: result.data, unset, source };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: YAML.Document,
  lines: YAML.LineCounter,
  source: string,
): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const where = formatPath(path);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => formatPath([...path, k]));
    return `${source}${locateKey(doc, lines, path, issue.keys[0])}: unknown field ${
      keys.join(", ")
    }`;
  }
  const location = locate(doc, lines, path);
  return `${source}${location}: ${where || "(top level)"}: ${issue.message}`;
}

/** `["channels", 0, "timeout"]` → `channels[0].timeout` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`).join("");
}

/** The position of the key `key` inside the map at `path`, so an unknown field points at itself. */
function locateKey(
  doc: YAML.Document,
  lines: YAML.LineCounter,
  path: (string | number)[],
  key: string,
): string {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (YAML.isMap(map)) {
    const pair = map.items.find((p) => YAML.isScalar(p.key) && p.key.value === key);
    if (pair && YAML.isNode(pair.key) && pair.key.range) {
      const at = lines.linePos(pair.key.range[0]);
      return `:${at.line}:${at.col}`;
    }
  }
  return locate(doc, lines, path);
}

function locate(doc: YAML.Document, lines: YAML.LineCounter, path: (string | number)[]): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (YAML.isNode(node) && node.range) {
      const at = lines.linePos(node.range[0]);
      return `:${at.line}:${at.col}`;
    }
  }
  return "";
}
