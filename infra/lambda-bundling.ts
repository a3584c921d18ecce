import { fileURLToPath } from 'node:url';

/** The repository root: ClipbayFunction bundles from here (its esbuild runs in this folder). */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * What a bundle holds in place of each LAMBDA_BUNDLING.leftOut package, relative to PROJECT_ROOT:
 * loading it costs nothing, any use throws an error that names what was left out.
 */
export const LEFT_OUT_MODULE = 'infra/left-out-module.cjs';

/**
 * How every clipbay Lambda is bundled: ClipbayFunction deploys with these settings, and the
 * benchmark and the bundle test build with them too (infra/bundle-report.ts), so what they measure
 * is what ships; the bundle test also compares that build with the synthesized asset.
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
   * cost about 600 KB per bundle as CommonJS (the Discord ingress: 251 KB → 846 KB); `mainFields`
   * below takes a third of that back.
   */
  external: [] as string[],
  /**
   * ES modules first: only the AWS SDK (@aws-sdk/*, @smithy/*) resolves differently by it,
   * compared on every bundle; its `module` build (ES modules, free of side effects) lets esbuild
   * drop what no function calls. The Slack ingress: 2,341 → 2,108 KB alone, the Discord ingress
   * 849 → 613 KB.
   */
  mainFields: ['module', 'main'],
  /**
   * Packages bundled as LEFT_OUT_MODULE instead: @slack/bolt's CommonJS index (and its App) load
   * every receiver, yet the Lambdas use only AwsLambdaReceiver. These four serve the others —
   * Socket Mode (undici, 526 KB), the HTTP and Express receivers (raw-body → iconv-lite, 482 KB;
   * express → mime-db, 147 KB) and the OAuth flow (jsonwebtoken, semver) — and are used only when
   * one of those receivers is constructed. The Slack ingress: 2,108 → 670 KB with them left out.
   */
  leftOut: ['@slack/socket-mode', '@slack/oauth', 'express', 'raw-body'],
} as const;
