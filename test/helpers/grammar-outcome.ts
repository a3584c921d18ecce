import { buildSubmitBody } from '../../functions/core/request/build-submit-body.js';
import type { CommandKeyword, ParsedCommand } from '../../functions/core/request/video-request.js';

export const defaults = { defaultModel: 'veo-3.1-generate-preview' };
/** The body fields every default Veo command has. */
export const VEO = {
  model: 'veo-3.1-generate-preview',
  seconds: 8,
  resolution: '720p',
  aspect_ratio: '16:9',
};

export type Expectation = { body: Record<string, unknown> } | { error: string } | { kind: CommandKeyword };

/** What a command becomes: the exact TokenBay body, the keyword, or the user's error text. */
export function outcome(parse: () => ParsedCommand): Expectation {
  try {
    const parsed = parse();
    return parsed.kind === 'video' ? { body: buildSubmitBody(parsed.request) } : { kind: parsed.kind };
  } catch (error) {
    if ((error as Error).name !== 'UsageError') throw error;
    return { error: (error as Error).message };
  }
}
