import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { InlineMode } from '../functions/core/config.js';
import { LIMIT_SETTING } from '../functions/core/usage/usage-limits.js';
import { PLATFORMS } from '@clipbay/platforms';
import { ClipbayStack, type ClipbayStackProps } from './clipbay-stack.js';
import { REGISTRY_TSCONFIG_CONTEXT } from './registry-tsconfig.js';

export const STACK_NAME = 'Clipbay';

/** The context keys a team sets with `-c key=value` (or in cdk.json), and the stack prop each sets. */
export const CONTEXT_KEYS = [
  'pollIntervalSeconds',
  'videoExpiryDays',
  'linkExpirySeconds',
  'generationTimeoutSeconds',
  'editTimeoutSeconds',
] as const;

/**
 * The CDK app: one stack, cdk-nag's AwsSolutions checks on every synth. `npm run synth`/`deploy`
 * (infra/bin) and the local account (`npm start`) build it through this one function, so what runs
 * locally is what deploys.
 */
export function createApp(options: { outdir?: string; context?: Record<string, unknown> } = {}): App {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), context: options.context });
  const numberContext = (key: string) => {
    const value = app.node.tryGetContext(key) as string | number | undefined;
    return value === undefined ? undefined : Number(value);
  };
  const props: ClipbayStackProps = {
    defaultModel: app.node.tryGetContext('defaultModel') as string | undefined,
    // Each platform's deploy-time settings keep their variable names as context keys:
    // `-c DISCORD_APPLICATION_ID=…`.
    platformSettings: Object.fromEntries(
      PLATFORMS.flatMap((platform) => platform.deployVariables).flatMap((name) => {
        const value = app.node.tryGetContext(name) as string | number | undefined;
        return value === undefined ? [] : [[name, String(value)]];
      }),
    ),
    // The same name as the environment variable: `-c CLIPBAY_INLINE=off`.
    inline: app.node.tryGetContext('CLIPBAY_INLINE') as InlineMode | undefined,
    registryTsconfig: app.node.tryGetContext(REGISTRY_TSCONFIG_CONTEXT) as string | undefined,
  };
  for (const key of CONTEXT_KEYS) props[key] = numberContext(key);
  // Usage limits keep their setting names as context keys: `-c LIMIT_CONCURRENT_PER_USER=3`.
  props.limits = Object.fromEntries(
    Object.values(LIMIT_SETTING).flatMap((name) => {
      const value = app.node.tryGetContext(name) as string | number | undefined;
      return value === undefined ? [] : [[name, String(value)]];
    }),
  );
  new ClipbayStack(app, STACK_NAME, props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
