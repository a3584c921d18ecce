/**
 * How every clipbay Lambda is bundled: ClipbayFunction deploys with these settings, and the
 * benchmark and the bundle test build with them too, so what they measure is what ships.
 */
export const LAMBDA_BUNDLING = {
  /** The code also runs on the Node 20 used locally; the Lambdas run Node 24. */
  target: 'node20',
  minify: true,
  sourceMap: true,
  /**
   * The Lambda runtime provides the AWS SDK v3 service clients. Everything else is bundled,
   * including @aws-sdk/lib-storage and @aws-sdk/s3-request-presigner: nothing relies on what the
   * runtime happens to ship beyond the clients (the local account provides only those, too).
   */
  external: ['@aws-sdk/client-*'],
} as const;
