/** An error answered to an AWS SDK the way the service would answer it. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function accessDenied(
  principalArn: string,
  action: string,
  resource: string,
  reason: string,
): AwsServiceError {
  return new AwsServiceError(
    'AccessDeniedException',
    `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} because ${reason}`,
  );
}
