import type { Provider } from '../provider.js';
import { CassetteWriter } from './cassette-writer.js';
import { readCassetteFile } from './read-cassette.js';
import { RecordingProvider } from './recording-provider.js';
import { ReplayProvider } from './replay-provider.js';
import { ReplayQueues } from './replay-queues.js';

/** Providers standing in for the real ones while recording or replaying, and the file they hold. */
export interface CassetteProviders {
  providers: Record<string, Provider>;
  /** Closes the cassette being recorded (nothing to close when replaying). */
  close(): void;
}

/**
 * Every real provider wrapped so each call is appended to a new cassette at `path`.
 * @param secrets values that must never reach the file (API keys, header values)
 */
export function recordingProviders(
  providers: Record<string, Provider>,
  { path, secrets, now }: { path: string; secrets: readonly string[]; now?: () => Date },
): CassetteProviders {
  const writer = CassetteWriter.create(path, now ? { now } : {});
  const wrapped: Record<string, Provider> = {};
  for (const [id, inner] of Object.entries(providers)) {
    wrapped[id] = new RecordingProvider({ inner, writer, secrets });
  }
  return { providers: wrapped, close: () => writer.close() };
}

/**
 * One replay provider per provider id, answering from the cassette at `path`; no real provider is
 * built, so nothing can reach the network.
 * @throws AgentMeshError `usage` when the cassette is missing or corrupt
 */
export function replayProviders(
  providerIds: readonly string[],
  { path, warn }: { path: string; warn: (message: string) => void },
): CassetteProviders {
  const cassette = readCassetteFile(path);
  if (cassette.truncatedTail) {
    warn(`cassette ${path} ends in a cut-off line (the recording was interrupted); replaying the rest.`);
  }
  const queues = new ReplayQueues(cassette.exchanges);
  const providers: Record<string, Provider> = {};
  for (const id of providerIds) providers[id] = new ReplayProvider({ id, queues, cassettePath: path });
  return { providers, close: () => {} };
}
