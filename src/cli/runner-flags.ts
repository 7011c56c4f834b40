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
}
