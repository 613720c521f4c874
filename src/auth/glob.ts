/**
 * Model-name globs for key allow-lists: `*` matches any run of characters (slashes included,
 * since model names like `Qwen/Qwen2.5-7B` are not paths), `?` exactly one.
 */

/** Compiles `pattern` into an anchored, case-sensitive RegExp. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(
    /\?/g,
    ".",
  );
  return new RegExp(`^${source}$`);
}
