import { PLATFORMS } from '@clipbay/platforms';
import type { ChatFileAccess } from '../core/transfer/chat-image-copy.js';
import type { LambdaConfig } from './lambda-config.js';

/**
 * Where a run's platform keeps shared files, and the header to read one, from its registration
 * and its settings in force (the bot token from its secret). Undefined for an unknown platform.
 */
export function chatFileAccess(config: LambdaConfig, platformId: string): ChatFileAccess | undefined {
  const platform = PLATFORMS.find((p) => p.id === platformId);
  if (!platform) return undefined;
  const settings = (config.chat as Record<string, unknown>)[platform.id];
  const files = platform.files as {
    hosts: (settings: unknown) => readonly string[];
    authorization: (settings: unknown) => string | undefined;
  };
  return {
    hosts: files.hosts(settings),
    authorization: files.authorization(settings),
    label: platform.label,
  };
}
