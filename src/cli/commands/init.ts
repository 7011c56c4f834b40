import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { initTemplate } from '../../config/init-template.js';
import { CONFIG_FILE_NAMES } from '../../config/load-config.js';
import { AgentMeshError } from '../../errors/index.js';
import { type CliIo, writeLine } from '../cli-io.js';

/** Options of `agentmesh init`. */
export interface InitOptions {
  /** Overwrite an existing file. @default false */
  force?: boolean;
  /** Where to write, relative to cwd. @default ./agentmesh.yaml */
  path?: string;
}

/** `agentmesh init`: writes a commented example agentmesh.yaml and prints its path on stdout. */
export async function initCommand(options: InitOptions, io: CliIo): Promise<number> {
  const target = resolve(io.cwd, options.path ?? CONFIG_FILE_NAMES[0]);
  try {
    // 'wx' fails if the file exists, so two concurrent inits cannot both write.
    await writeFile(target, initTemplate(), { encoding: 'utf8', flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new AgentMeshError({
        code: 'usage',
        message: `${target} already exists; pass --force to overwrite it.`,
        context: { path: target },
      });
    }
    throw new AgentMeshError({
      code: 'config_unreadable',
      message: `Cannot write ${target}: ${(error as Error).message}; check that the folder exists and is writable.`,
      context: { path: target, errno: code },
      cause: error,
    });
  }
  writeLine(io.stdout, target);
  writeLine(io.stderr, 'Wrote an example config. Set OPENROUTER_API_KEY, then: agentmesh run "<task>"');
  return 0;
}
