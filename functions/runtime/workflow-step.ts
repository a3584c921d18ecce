import { lambdaConfig, type LambdaConfig } from './lambda-config.js';
import { logger } from './logger.js';

/**
 * Wraps a workflow step as a Lambda handler: config once per cold start, the execution
 * name as the log correlation id, one log line per outcome. Errors are rethrown unchanged, so their
 * `name` reaches the state machine's Retry and Catch.
 */
export function workflowStep<T>(
  name: string,
  step: (config: LambdaConfig, event: unknown) => Promise<T>,
): (event: unknown) => Promise<T> {
  return async (event) => {
    const config = await lambdaConfig();
    const id = (event as { id?: unknown } | null)?.id;
    logger.resetKeys();
    logger.appendKeys({ step: name, correlation_id: typeof id === 'string' ? id : undefined });
    try {
      const result = await step(config, event);
      logger.info(`${name} done`, { result: summarize(result) });
      return result;
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      logger.warn(`${name} failed`, {
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
        // What the step's error wraps (an SDK error such as S3's AccessDenied): what an admin needs.
        ...(cause instanceof Error ? { causeName: cause.name, causeMessage: cause.message } : {}),
      });
      throw error;
    }
  };
}

/** A step's result for the log: scalar fields only, and nothing that is or holds a URL. */
export function summarize(result: unknown): Record<string, string | number | boolean> {
  if (!result || typeof result !== 'object') return {};
  return Object.fromEntries(
    Object.entries(result).filter(
      (entry): entry is [string, string | number | boolean] =>
        ['string', 'number', 'boolean'].includes(typeof entry[1]) &&
        !/url|link/i.test(entry[0]) &&
        !(typeof entry[1] === 'string' && /^https?:/i.test(entry[1])),
    ),
  );
}
