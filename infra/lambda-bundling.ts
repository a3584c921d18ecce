/**
 * How every clipbay Lambda is bundled: ClipbayFunction deploys with these settings, and the
 * benchmark and the bundle test build with them too, so what they measure is what ships.
 */
export const LAMBDA_BUNDLING = {
  format: 'cjs',
  /** The code also runs on the Node 20 used locally; the Lambdas run Node 24. */
  target: 'node20',
  minify: true,
  sourceMap: true,
  /** The Lambda runtime provides the AWS SDK v3. */
  external: ['@aws-sdk/*'],
} as const;
