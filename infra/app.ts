import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClipbayStack } from './clipbay-stack.js';
import { CONTEXT_KEYS, STACK_OPTIONS } from './context-keys.js';
import { REGISTRY_TSCONFIG_CONTEXT } from './registry-tsconfig.js';
import { STACK_NAME } from './stack-name.js';

export { STACK_NAME };

/**
 * The CDK app: one stack, cdk-nag's AwsSolutions checks on every synth. `npm run synth`/`deploy`
 * (infra/bin) and the local account (`npm start`) build it through this one function, so what runs
 * locally is what deploys.
 */
export function createApp(options: { outdir?: string; context?: Record<string, unknown> } = {}): App {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), context: options.context });
  const settings = Object.fromEntries(
    CONTEXT_KEYS.flatMap((name) => {
      const value = app.node.tryGetContext(name) as string | number | undefined;
      return value === undefined ? [] : [[name, String(value)]];
    }),
  );
  const alarmEmail = app.node.tryGetContext(STACK_OPTIONS.alarmEmail) as string | undefined;
  new ClipbayStack(app, STACK_NAME, {
    settings,
    ...(alarmEmail === undefined ? {} : { alarmEmail: String(alarmEmail) }),
    registryTsconfig: app.node.tryGetContext(REGISTRY_TSCONFIG_CONTEXT) as string | undefined,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
