/** One source file of a generated bundle; `path` is relative, normalised, and inside the bundle. */
export interface BundleFile {
  path: string;
  /** Lower-case language: `python`, `typescript`, `javascript`, `json`, `yaml`, `text`, … */
  language: string;
  content: string;
  /** The step whose output last wrote this file. */
  stepId: string;
}

/** The latest version of every file the agents wrote, by path. */
export type CodeBundle = ReadonlyMap<string, BundleFile>;

/** A problem found in one file before anything runs; goes back to the agent as structured feedback. */
export interface ValidationIssue {
  path: string;
  /** 1-based; absent when the checker gives no position. */
  line?: number;
  column?: number;
  message: string;
}
