import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs. Never log a token, a key or a full presigned URL: step results are logged
 * through `summarize` (workflow-step.ts), which drops every field that is or holds a URL.
 */
export const logger = new Logger({ serviceName: 'clipbay' });
