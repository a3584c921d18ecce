import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudFormationTemplate } from '../../local/account/template.js';
import { slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { ledgerView } from '../helpers/ledger-view.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

/** A copy of the stack whose SaveToS3 role lost its s3:PutObject grant. */
function withoutSaveGrant(template: CloudFormationTemplate): CloudFormationTemplate {
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' || !id.startsWith('SaveToS3')) continue;
    const doc = resource.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] };
    doc.Statement = doc.Statement.filter((s) => ![s.Action].flat().includes('s3:PutObject'));
  }
  return template;
}

/** The emulator can fail: a missing grant in the template fails the video, and the user is told. */
describe('a template with a grant removed', () => {
  let running: StackWithFakeChat;

  beforeAll(async () => {
    running = await startStackWithFakeChat(
      { SLACK_SIGNING_SECRET: 'iam-denied-secret' },
      {},
      { editTemplate: withoutSaveGrant },
    );
  });
  afterAll(() => running.close());

  it('denies the upload as AWS would, and the channel gets a readable failure', async () => {
    const { stack, chat } = running;
    const body = slackCommandBody({
      text: 'a denied fox',
      triggerId: 'denied.1.x',
      responseUrl: `${chat.url}/hooks/denied`,
    });
    await fetch(`${stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders('iam-denied-secret', body),
      body,
    });
    const execution = stack.workflow.list().find((e) => e.name === 'denied.1.x')!;
    const done = await execution.done;
    await stack.account.settle();
    // Ended by the definition's own Fail state, after one report and the failed run's settle.
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: 'VideoFailed' });
    expect(done.statesEntered).toMatchObject({ ReportFailure: 1, SettleFailedRunUsage: 1 });
    // One submit; the run's row closed and no slot held.
    expect(stack.simulator!.submits()).toHaveLength(1);
    const ledger = await ledgerView(stack);
    expect(ledger.run('denied.1.x')).toMatchObject({ outcome: 'error', finishedAt: expect.any(Number) });
    expect(ledger.slotsHeld('U1')).toEqual([]);

    const denied = stack.account.iam.decisions.filter((d) => !d.allowed);
    expect(denied.map((d) => d.action)).toContain('s3:PutObject');
    expect(denied.find((d) => d.action === 's3:PutObject')!.principal).toMatch(
      /assumed-role\/SaveToS3FnRole/,
    );

    const saveLogs = running.functionLogs.filter((l) => l.fn.startsWith('SaveToS3Fn')).map((l) => l.line);
    expect(saveLogs.some((l) => l.includes('AccessDenied'))).toBe(true);

    // Told exactly once: one message names the run's reference, and none says it is ready.
    const told = chat.to('/hooks/denied').map((r) => JSON.stringify(r.body));
    expect(told.filter((m) => m.includes('denied.1.x') && m.includes('Reference'))).toHaveLength(1);
    expect(told.filter((m) => m.includes('Your video is ready'))).toEqual([]);
    const final = chat.to('/hooks/denied').at(-1)!.body as { text: string };
    expect(final.text).toMatch(/saving it failed/);
    expect(JSON.stringify(final)).toContain('denied.1.x'); // the reference an admin looks up
    expect(final.text).not.toMatch(/AccessDenied|arn:aws/);
  });
});
