import { describe, expect, it } from 'vitest';
import { LocalWorkflow } from '../../local/workflow/local-workflow.js';

/** A Choice on a field that may be missing, as the settle branch of the video workflow has. */
const definition = {
  StartAt: 'IsQuotaKnown',
  States: {
    IsQuotaKnown: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.task.taskId', IsPresent: true },
            { Variable: '$.status.quota', IsPresent: false },
          ],
          Next: 'WaitForQuota',
        },
      ],
      Default: 'Settle',
    },
    WaitForQuota: { Type: 'Pass', Result: 'waited', End: true },
    Settle: { Type: 'Pass', Result: 'settled', End: true },
  },
};

describe('Choice type tests in the local interpreter', () => {
  it('"IsPresent": false is true when the field is missing, as in Step Functions', async () => {
    const workflow = new LocalWorkflow({ definition, handlers: {} });
    const missing = await workflow.start('missing', JSON.stringify({ task: { taskId: 't' }, status: {} }))
      .done;
    const present = await workflow.start(
      'present',
      JSON.stringify({ task: { taskId: 't' }, status: { quota: 3 } }),
    ).done;
    expect([missing.output, present.output]).toEqual(['waited', 'settled']);
  });
});
