/**
 * The floor for any correct ingress, for the benchmark: verify the signature, make the one
 * StartExecution call, answer. Bundled and invoked exactly like the real handlers.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { discordBaseline, slackBaseline } from './baseline-verify.js';

type Event = Parameters<typeof slackBaseline>[0];

let sfn: SFNClient | undefined;
async function startExecution(name: string, input: string): Promise<void> {
  sfn ??= new SFNClient({});
  await sfn.send(new StartExecutionCommand({ stateMachineArn: process.env.STATE_MACHINE_ARN, name, input }));
}

export const slackFloor = async (event: Event) => {
  const answer = await slackBaseline(event);
  if (answer.statusCode !== 200) return answer;
  const form = new URLSearchParams(event.body ?? '');
  await startExecution(form.get('trigger_id') ?? 'x', JSON.stringify({ text: form.get('text') }));
  return answer;
};

export const discordFloor = async (event: Event) => {
  const answer = await discordBaseline(event);
  if (answer.statusCode !== 200) return answer;
  const interaction = JSON.parse(event.body ?? '{}') as { id: string; data: unknown };
  await startExecution(interaction.id, JSON.stringify(interaction.data));
  return answer;
};
