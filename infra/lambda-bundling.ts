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
   * Nothing: the AWS SDK is bundled too, so every function runs the one SDK version that
   * package-lock.json pins and the tests ran, never the Lambda runtime's own copy (whose version
   * AWS changes, and which lib-storage, the presigner and Powertools, bundled at the project's
   * version, would otherwise be mixed with). AWS advises bundling the SDK for that control. It
   * costs about 600 KB per bundle (the Discord ingress: 251 KB → 846 KB), measured here.
   */
  external: [] as string[],
} as const;
