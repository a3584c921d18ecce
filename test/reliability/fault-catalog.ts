/**
 * The faults clipbay is tested against, each with the test that proves it. The reliability doc
 * test checks that every named test exists in its file, so this list cannot point at nothing.
 */
export interface FaultCase {
  fault: string;
  outcome: string;
  file: string;
  test: string;
}

export const FAULTS: FaultCase[] = [
  {
    fault: 'TokenBay answers 200 with an `error` on submit',
    outcome: 'TokenBay’s own message reaches the channel; nothing is polled',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'reports a 200-with-error on submit as TokenBay’s message, and never polls',
  },
  {
    fault: 'TokenBay answers 401 (bad key)',
    outcome: 'the channel is told an admin must update the key, not that the command was wrong',
    file: 'test/reliability/faults.test.ts',
    test: 'TokenBay refusing the key (401) tells the channel an admin must act, without blaming the user',
  },
  {
    fault: 'TokenBay refuses connections',
    outcome: 'submit retried (it was never sent), then “not reachable, try again”',
    file: 'test/reliability/faults.test.ts',
    test: 'retries the submit (it was never sent), then says TokenBay is not reachable',
  },
  {
    fault: 'Submit times out or is reset after the body went out',
    outcome: 'never sent again (no second paid task); the user is told it may have gone through',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'never sends a submit again when it may have reached TokenBay',
  },
  {
    fault: '429 and 5xx while polling',
    outcome: 'polling goes on with backoff, within the deadline; gaps never under the interval',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'keeps polling through 429 and 5xx within the deadline',
  },
  {
    fault: 'The task ends in FAILURE',
    outcome: 'TokenBay’s `fail_reason` reaches the channel',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'reports a FAILURE with TokenBay’s reason',
  },
  {
    fault: 'The task never finishes',
    outcome: 'a timeout message at the deadline (5 min generation, 10 min editing)',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'gives up at the deadline and says so',
  },
  {
    fault: 'Connection reset at 10 %, 50 %, 99 % of the download',
    outcome: 'resumed with Range; the object in S3 is byte-identical',
    file: 'test/reliability/faults.test.ts',
    test: 'a connection reset at %s of the download is resumed: byte-identical in S3',
  },
  {
    fault: 'Connection reset at 40 % of the download',
    outcome: 'resumed with Range; byte-identical',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'resumes a download cut at 40 % into a byte-identical object',
  },
  {
    fault: 'The download keeps breaking',
    outcome: 'gives up after 3 resumes with the offset reached',
    file: 'test/core/resuming-download.test.ts',
    test: 'gives up after maxResumes with the offset it reached',
  },
  {
    fault: 'S3 fails mid-upload',
    outcome: 'the multipart upload is aborted (nothing orphaned) and the user is told',
    file: 'test/workflow/s3-failure.test.ts',
    test: 'aborts the multipart upload, tells the user, and submitted once',
  },
  {
    fault: 'Slack `response_url` answers 404',
    outcome: 'the message goes out with the bot token (chat.postMessage)',
    file: 'test/notify/slack-notifier.test.ts',
    test: 'falls back to chat.postMessage when the response_url is gone (404)',
  },
  {
    fault: 'Slack is down (5xx)',
    outcome: '`NotifyError`, which the state machine retries',
    file: 'test/notify/slack-notifier.test.ts',
    test: 'raises NotifyError (which the state machine retries) when Slack is down',
  },
  {
    fault: 'Discord interaction token expired (401/404)',
    outcome: 'the message is posted to the channel with the bot token',
    file: 'test/discord/discord-ingress.test.ts',
    test: 'posts to the channel with the bot token when the interaction token has expired (401/404)',
  },
  {
    fault: 'The same Slack command delivered 3 times',
    outcome: 'one task, one final message',
    file: 'test/reliability/faults.test.ts',
    test: 'the same command delivered 3 times makes one task and one final message',
  },
  {
    fault: 'The same Discord interaction delivered twice',
    outcome: 'one execution',
    file: 'test/discord/discord-ingress.test.ts',
    test: 'starts one execution when the same interaction arrives twice',
  },
  {
    fault: 'Known secrets in a full run',
    outcome: 'no secret and no presigned signature in any log line',
    file: 'test/reliability/secrets-in-logs.test.ts',
    test: 'from a signed Slack command, through every step, to the posted link',
  },
];
