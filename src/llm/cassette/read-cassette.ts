import { readFileSync } from 'node:fs';
import { AgentMeshError } from '../../errors/index.js';
import { CASSETTE_VERSION, type CassetteExchange, type CassetteHeader } from './cassette-format.js';
import { cassetteExchangeSchema, cassetteHeaderSchema } from './cassette-schema.js';

/** A cassette read back: its header and its exchanges in file order. */
export interface Cassette {
  path: string;
  header: CassetteHeader;
  exchanges: CassetteExchange[];
  /**
   * True when the last line was cut off (the recording process died while writing it). That line is
   * left out; every complete line before it is used.
   */
  truncatedTail: boolean;
}

/**
 * Reads a cassette file.
 * @throws AgentMeshError `usage` (exit 2) when the file is missing, unreadable or not a cassette.
 */
export function readCassetteFile(path: string): Cassette {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    const why =
      errno === 'ENOENT'
        ? 'no such file; record one first with --record'
        : errno === 'EISDIR'
          ? 'it is a directory; pass the cassette file itself'
          : `${(error as Error).message}; check that the file is readable`;
    throw new AgentMeshError({
      code: 'usage',
      message: `Cannot read cassette ${path}: ${why}.`,
      context: { path, errno },
      cause: error,
    });
  }
  return parseCassette(text, path);
}

/**
 * Parses cassette text (JSONL: a header line, then one exchange per line).
 * @throws AgentMeshError `usage` naming the first bad line.
 */
export function parseCassette(text: string, path: string): Cassette {
  const lines = text.split('\n');
  // A file that ends in "\n" splits into a last empty string; anything else there is an unfinished line.
  const last = lines.pop() ?? '';
  const corrupt = (line: number, why: string) =>
    new AgentMeshError({
      code: 'usage',
      message: `Cassette ${path} line ${line} ${why}; record it again with --record ${path}.`,
      context: { path, line },
    });

  const headerText = lines[0] ?? last;
  const header = cassetteHeaderSchema.safeParse(parseJson(headerText));
  if (!header.success) throw corrupt(1, 'is not an agentmesh cassette header');
  if (header.data.version !== CASSETTE_VERSION) {
    throw corrupt(
      1,
      `has cassette version ${header.data.version}, but this AgentMesh reads version ${CASSETTE_VERSION}`,
    );
  }

  const exchanges: CassetteExchange[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = cassetteExchangeSchema.safeParse(parseJson(line));
    if (!parsed.success) throw corrupt(index + 2, 'is not a valid exchange');
    exchanges.push(parsed.data);
  });
  let truncatedTail = false;
  if (lines.length > 0 && last.trim() !== '') {
    // No newline after it: a complete exchange (the file was edited) or the half a crash left behind.
    const parsed = cassetteExchangeSchema.safeParse(parseJson(last));
    if (parsed.success) exchanges.push(parsed.data);
    else truncatedTail = true;
  }
  return { path, header: header.data, exchanges, truncatedTail };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
