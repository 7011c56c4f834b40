import { type Document, isMap, isNode, isScalar, isSeq, type LineCounter } from 'yaml';

/** Finds the line of a field path in a parsed YAML document. */
export type LineLocator = (path: readonly PropertyKey[]) => number | null;

/**
 * Returns a locator giving the 1-based line of the deepest node on `path` that exists: the key's line
 * for mapping entries, the item's line for list items, the nearest parent otherwise.
 */
export function createLineLocator(doc: Document, lineCounter: LineCounter): LineLocator {
  const lineAt = (node: unknown): number | null =>
    isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : null;

  return (path) => {
    let node: unknown = doc.contents;
    let line = lineAt(node) ?? 1;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment),
        );
        if (pair === undefined) break;
        line = lineAt(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        line = lineAt(item) ?? line;
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}
