import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Never log a token, a key or a full presigned URL (see redactUrl). */
export const logger = new Logger({ serviceName: 'clipbay' });
