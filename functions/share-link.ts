import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { shareRedirect } from './core/storage/share-redirect.js';
import { s3Client } from './runtime/clients.js';
import { lambdaConfig } from './runtime/lambda-config.js';

/** `GET /v/{id}` on the HTTP API → 302 to a freshly presigned URL of that clip. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const config = await lambdaConfig();
  return shareRedirect(s3Client(config), config.videoBucket, event.pathParameters?.id);
};
