/**
 * `${VAR}` and `${VAR:-default}` substitution, applied to YAML scalars before validation.
 *
 * Substitution works on the parsed document rather than on the raw text so a value can never
 * break the YAML around it. An unquoted scalar is re-read after substitution, so
 * `port: ${PORT:-8787}` yields a number while `key: "${KEY}"` stays a string.
 */
import YAML from "yaml";

/** A `${VAR}` reference that had no value and no default. */
export interface UnsetVariable {
  /** Path of the YAML node that used it, e.g. `["channels", 0, "keys", 0]`. */
  path: (string | number)[];
  name: string;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces every reference in `text`; unset ones without default become "" and are reported. */
export function substitute(
  text: string,
  getEnv: (name: string) => string | undefined,
  onUnset: (name: string) => void,
): string {
  return text.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
    const value = getEnv(name);
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
    onUnset(name);
    return "";
  });
}

/** Substitutes environment references in every string scalar of `doc`, in place. */
export function substituteDocument(
  doc: YAML.Document,
  getEnv: (name: string) => string | undefined,
): UnsetVariable[] {
  const unset: UnsetVariable[] = [];
  YAML.visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== "string" || !node.value.includes("${")) return;
      const path = pathOf(ancestors, node);
      const replaced = substitute(node.value, getEnv, (name) => unset.push({ path, name }));
      const plain = node.type === "PLAIN" || node.type === undefined;
      node.value = plain ? readPlainScalar(replaced) : replaced;
    },
  });
  return unset;
}

function pathOf(ancestors: readonly unknown[], node: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let child: unknown = node;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const parent = ancestors[i];
    if (YAML.isSeq(parent)) path.unshift(parent.items.indexOf(child as never));
    else if (YAML.isPair(parent) && parent.value === child && YAML.isScalar(parent.key)) {
      path.unshift(String(parent.key.value));
    }
    child = parent;
  }
  return path;
}

/** Reads numbers and booleans the way YAML would have, had the value been written inline. */
function readPlainScalar(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}
