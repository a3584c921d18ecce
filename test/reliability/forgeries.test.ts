import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack/local-stack.js';
import { startStackWithFakeChat } from '../helpers/local-stack-harness.js';
import { FORGERIES } from './forgeries.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';

const SECRET = 'forgery-test-secret';

describe('forged requests are refused and start nothing', () => {
  let stack: LocalStack;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stack, close } = await startStackWithFakeChat({ SLACK_SIGNING_SECRET: SECRET }));
  });
  afterAll(async () => {
    expect(stack.workflow.list()).toHaveLength(0);
    expect(stack.simulator!.submits()).toHaveLength(0);
    await close();
  });

  let n = 0;
  it.each(FORGERIES.map((f) => [f.name, f] as const))('%s → 401', async (_name, forgery) => {
    n++;
    const slackBody = slackCommandBody({
      text: 'a corgi surfing',
      triggerId: `forged.${n}.x`,
      responseUrl: 'https://hooks.slack.test/1',
    });
    const discordBody = JSON.stringify(
      discordInteraction({
        id: `70000000000000${String(n).padStart(4, '0')}`,
        applicationId: stack.discordApplicationId,
        data: videoCommandData([{ name: 'prompt', type: 3, value: 'a corgi surfing' }]),
      }),
    );
    const { path, headers, body } = forgery.forge({
      slackSecret: SECRET,
      discordKey: stack.keys.discordPrivateKey,
      slackBody,
      discordBody,
      now: Date.now(),
    });
    const response = await fetch(`${stack.url}${path}`, { method: 'POST', headers, body });
    expect(response.status).toBe(401);
    expect(stack.workflow.list()).toHaveLength(0);
  });
});
