import { userInfo } from 'node:os';

/**
 * Who made a decision, for `approval.decided`: the channel and the OS user, e.g. `cli:alice` or
 * `chat:alice`; the environment's user name when the OS has none (a uid without a passwd entry).
 */
export function decidedBy(channel: 'cli' | 'chat', env: NodeJS.ProcessEnv): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.USERNAME ?? 'unknown';
  }
  return `${channel}:${user}`;
}
