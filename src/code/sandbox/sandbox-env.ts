/** System binary directories, in lookup order; `/usr/local` first as a shell's PATH would have it. */
export const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The running `node` when it lives outside `/usr` (nvm, a CI tool cache), so that `node --test` in
 * the sandbox finds the same Node; null when the system directories already hold it.
 */
export function hostNodeOutsideUsr(execPath: string = process.execPath): string | null {
  return execPath.startsWith('/usr/') ? null : execPath;
}

/**
 * The whole environment sandboxed code starts with: nothing inherited from the host (no API keys),
 * only what interpreters need to start and behave reproducibly.
 */
export function sandboxEnv(options: {
  home: string;
  tmpDir: string;
  /** Appended to PATH, e.g. where the host's Node is made visible. */
  extraPathDir?: string | null;
}): Record<string, string> {
  return {
    PATH: options.extraPathDir ? `${SYSTEM_PATH}:${options.extraPathDir}` : SYSTEM_PATH,
    HOME: options.home,
    TMPDIR: options.tmpDir,
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    NO_COLOR: '1',
  };
}
