/** Options shared by every command that runs a team. */
export interface RunnerFlags {
  config?: string;
  team?: string;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  db?: string;
  maxCost?: number;
  /** false with `--no-cache`. */
  cache?: boolean;
  json?: boolean;
  /** `--record FILE`: write a cassette of every provider exchange. */
  record?: string;
  /** `--replay FILE`: answer every call from a cassette, with no network. */
  replay?: string;
}
