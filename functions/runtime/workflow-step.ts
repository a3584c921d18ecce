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
      logger.info(`${name} done`);
      return result;
    } catch (error) {
      logger.warn(`${name} failed`, {
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
      throw error;
    }
  };
}
