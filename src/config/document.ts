/**
 * A config as a YAML document that remembers where each value is: yaml's parse errors
 * rephrased and placed, `--set` written into the document, and "file:line:col" (or the flag)
 * of any key, so that every config error points at what it is about.
 */
import { type Document, type LineCounter, isMap, isSeq, isScalar, isPair, parse as parseYamlValue, visit, type Node } from "yaml";
import { ConfigError } from "./errors.js";

export type Path = (string | number)[];

/** A parsed config document, its line positions, its name, and the keys --set wrote (with their flags). */
export interface Located {
  doc: Document;
  lc: LineCounter;
  file: string;
  setPaths: { path: string[]; flag: string }[];
}

/**
 * yaml's first error, rephrased and placed where the mistake is: a key indented deeper
 * than its neighbours is reported on its own line (yaml points at the end of the line
 * before, whose value it would have continued), several documents get a message of ours.
 */
export function yamlError(text: string, doc: Document, lc: LineCounter, file: string): ConfigError {
  const e = doc.errors[0];
  const at = (offset: number) => {
    const p = lc.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (e.code === "MULTIPLE_DOCS")
    return new ConfigError("this file holds more than one YAML document (a `---` or `...` line ends the first); a config is a single document: remove the marker, or split the file", at(e.pos[0]));
  if (e.code === "BLOCK_AS_IMPLICIT_KEY" || e.code === "MULTILINE_IMPLICIT_KEY") {
    // The value on line L ran on into a more-indented `key:` on a later line.
    const span = doc.errors.find((x) => x.code === "MULTILINE_IMPLICIT_KEY") ?? e;
    const nl = text.indexOf("\n", span.pos[0]);
    if (nl >= 0 && nl < Math.max(span.pos[1], span.pos[0] + 1) + 1) {
      let k = nl + 1;
      while (k < text.length && (text[k] === " " || text[k] === "\t" || text[k] === "\n" || text[k] === "\r")) k++;
      if (k < text.length) {
        const prev = lc.linePos(e.pos[0]).line;
        return new ConfigError(`malformed YAML: this line is indented deeper than line ${prev}, which already has a value; put keys of one mapping at the same column`, at(k));
      }
    }
  }
  const msg = /call stack/i.test(e.message) ? "nested too deeply" : e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  return new ConfigError(`malformed YAML: ${msg}`, at(e.pos[0]));
}

/** The document as plain JS; alias bombs (`*a` expanding exponentially) are refused at the first alias. */
export function toPlain(loc: Located): Record<string, unknown> {
  try {
    return loc.doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (e) {
    let where = whereOf(loc, []);
    visit(loc.doc, {
      Alias(_k, node) {
        if (node.range) {
          const p = loc.lc.linePos(node.range[0]);
          where = `${loc.file}:${p.line}:${p.col}`;
        }
        return visit.BREAK;
      },
    });
    const why = /alias/i.test((e as Error).message) ? "expands YAML aliases (*name) too many times; write the values out" : (e as Error).message.split("\n")[0];
    throw new ConfigError(`cannot use this YAML: ${why}`, where);
  }
}

/** `--set a.b.c=VALUE`: VALUE is parsed as YAML (scalar or flow: `[1, 2]`, `{zipf: 1}`). */
export function applySet(loc: Located, s: string): void {
  const flag = `--set ${s}`;
  const eq = s.indexOf("=");
  if (eq <= 0) throw new ConfigError("expected KEY=VALUE, e.g. --set lr=1e-3 or --set skills.count=5", flag);
  const key = s.slice(0, eq).trim();
  const valueText = s.slice(eq + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\d+))*$/.test(key))
    throw new ConfigError(`"${key}" is not a dotted key like skills.count`, flag);
  let value: unknown;
  try {
    value = parseYamlValue(valueText, { logLevel: "error" });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError(`cannot parse the value as YAML: ${msg}`, flag, key);
  }
  const path = key.split(".");
  // Refuse to walk through a scalar (`--set lr.x=1` when lr is a number), and keep list
  // indices within one past the end (a huge index would make a huge sparse list).
  for (let d = 1; d < path.length; d++) {
    const parent = loc.doc.getIn(path.slice(0, d), true) as Node | undefined;
    const where = path.slice(0, d).join(".");
    if (parent !== undefined && !isMap(parent) && !isSeq(parent))
      throw new ConfigError(`${where} is a value, not a section, so it has no key "${path[d]}"${d === path.length - 1 ? `; to replace the value, --set ${where}=${valueText.trim()}` : ""}`, flag, key);
    if (isSeq(parent)) {
      if (!/^\d+$/.test(path[d])) throw new ConfigError(`${where} is a list; address its items by 0-based index, e.g. ${where}.0`, flag, key);
      if (Number(path[d]) > parent.items.length)
        throw new ConfigError(`${where} has ${parent.items.length} item${parent.items.length === 1 ? "" : "s"}; index ${path[d]} is past its end (indices are 0-based; ${parent.items.length} appends)`, flag, key);
    }
  }
  loc.doc.setIn(path, loc.doc.createNode(value));
  loc.setPaths.push({ path, flag });
}

/** "file:line:col" of the node at `path` (or its nearest existing ancestor); the flag if --set wrote it. */
export function whereOf(loc: Located, path: Path, keyNode = false): string {
  for (const sp of loc.setPaths) {
    const m = Math.min(sp.path.length, path.length);
    if (sp.path.slice(0, m).every((k, i) => String(path[i]) === k) && (path.length > 0 || sp.path.length === 0)) return sp.flag;
  }
  for (let d = path.length; d >= 0; d--) {
    const node = nodeAt(loc.doc, path.slice(0, d), keyNode && d === path.length);
    if (node?.range) {
      const p = loc.lc.linePos(node.range[0]);
      return `${loc.file}:${p.line}:${p.col}`;
    }
    // A section that only --set wrote (no place in the file): the --set that wrote into it, e.g.
    // a defaulted timeline.onset refused because of --set timeline.on=level.
    const sec = path.slice(0, d).map(String);
    if (d > 0 && node !== undefined) {
      const sp = [...loc.setPaths].reverse().find((x) => sec.every((k, i) => x.path[i] === k));
      if (sp) return sp.flag;
    }
  }
  return loc.file;
}

/** The value node at path, or with keyNode the key node of its pair (for unknown keys). */
function nodeAt(doc: Document, path: Path, keyNode: boolean): Node | undefined {
  if (path.length === 0) return doc.contents ?? undefined;
  if (!keyNode) return (doc.getIn(path, true) as Node | undefined) ?? undefined;
  const parent = path.length === 1 ? doc.contents : (doc.getIn(path.slice(0, -1), true) as Node | undefined);
  if (isMap(parent)) {
    const last = String(path[path.length - 1]);
    for (const it of parent.items) {
      if (isPair(it) && isScalar(it.key) && String(it.key.value) === last) return it.key as Node;
    }
  }
  return undefined;
}

export function dotted(path: Path): string {
  return path.map(String).join(".");
}
