import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClipbayStack } from '../clipbay-stack.js';

/** `npm run synth` / `npm run deploy`. Poll interval: `-c pollIntervalSeconds=15` (never below 5). */
const app = new App();
const context = (key: string) => {
  const value = app.node.tryGetContext(key) as string | number | undefined;
  return value === undefined ? undefined : Number(value);
};
new ClipbayStack(app, 'Clipbay', {
  pollIntervalSeconds: context('pollIntervalSeconds'),
  videoExpiryDays: context('videoExpiryDays'),
  linkExpirySeconds: context('linkExpirySeconds'),
  defaultModel: app.node.tryGetContext('defaultModel') as string | undefined,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
