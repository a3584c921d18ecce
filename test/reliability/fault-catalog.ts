/**
 * The faults clipbay is tested against, each with the test that proves it. The reliability doc
 * test checks that every named test exists in its file, so this list cannot point at nothing.
 */
export interface FaultCase {
  fault: string;
  outcome: string;
  file: string;
  test: string;
  /** Commands sent in that test. */
  commands: number;
  /** Faults injected, as counted or as a rule when the count depends on timing. */
  injected: string;
}

/**
 * The burst of the deployed-shape fault suite: issue 15's 200 commands at once against a TokenBay
 * that admits 5 submits a second, each a chain of Lambda invocations in real processes. It fits on
 * a loaded 2-core machine because the emulated account runs as many environments per function as
 * the cores can serve (see DEFAULT_MAX_CONCURRENCY in local/account/lambda/lambda-function.ts).
 */
export const BURST = { commands: 200, submitsPerSecond: 5 } as const;

export const FAULTS: FaultCase[] = [
  {
    fault: 'TokenBay answers 200 with an `error` on submit',
    outcome: 'TokenBay’s own message reaches the channel; nothing is polled',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'reports a 200-with-error on submit as TokenBay’s message, and never polls',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'TokenBay answers 401 (bad key)',
    outcome: 'the channel is told an admin must update the key, not that the command was wrong',
    file: 'test/reliability/faults.test.ts',
    test: 'TokenBay refusing the key (401) tells the channel an admin must act, without blaming the user',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'TokenBay refuses connections',
    outcome: 'submit retried (it was never sent), then “not reachable, try again”',
    file: 'test/reliability/faults.test.ts',
    test: 'retries the submit (it was never sent), then says TokenBay is not reachable',
    commands: 1,
    injected: 'every request (server stopped)',
  },
  {
    fault: 'Submit times out or is reset after the body went out',
    outcome: 'never sent again (no second paid task); the user is told it may have gone through',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'never sends a submit again when it may have reached TokenBay',
    commands: 2,
    injected: '2',
  },
  {
    fault: '429 and 5xx while polling',
    outcome: 'polling goes on with backoff, within the deadline; gaps never under the interval',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'keeps polling through 429 and 5xx within the deadline',
    commands: 1,
    injected: '4',
  },
  {
    fault: 'The task ends in FAILURE',
    outcome: 'TokenBay’s `fail_reason` reaches the channel',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'reports a FAILURE with TokenBay’s reason',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'The task never finishes',
    outcome: 'a timeout message at the deadline (5 min generation, 10 min editing)',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'gives up at the deadline and says so',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'Connection reset at 10 %, 50 %, 99 % of the download',
    outcome: 'resumed with Range; the object in S3 is byte-identical',
    file: 'test/reliability/faults.test.ts',
    test: 'a connection reset at %s of the download is resumed: byte-identical in S3',
    commands: 3,
    injected: '3',
  },
  {
    fault: 'Connection reset at 40 % of the download',
    outcome: 'resumed with Range; byte-identical',
    file: 'test/workflow/video-workflow.test.ts',
    test: 'resumes a download cut at 40 % into a byte-identical object',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'The download keeps breaking',
    outcome: 'gives up after 3 resumes with the offset reached',
    file: 'test/core/resuming-download.test.ts',
    test: 'gives up after maxResumes with the offset it reached',
    commands: 1,
    injected: '4',
  },
  {
    fault: 'S3 fails mid-upload',
    outcome: 'the multipart upload is aborted (nothing orphaned) and the user is told',
    file: 'test/workflow/s3-failure.test.ts',
    test: 'aborts the multipart upload, tells the user, and submitted once',
    commands: 1,
    injected: 'every UploadPart after the first',
  },
  {
    fault: 'Slack `response_url` answers 404',
    outcome: 'the message goes out with the bot token (chat.postMessage)',
    file: 'test/notify/slack-notifier.test.ts',
    test: 'falls back to chat.postMessage when the response_url is gone (404)',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'Slack is down (5xx)',
    outcome: '`NotifyError`, which the state machine retries',
    file: 'test/notify/slack-notifier.test.ts',
    test: 'raises NotifyError (which the state machine retries) when Slack is down',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'Discord interaction token expired (401/404)',
    outcome: 'the message is posted to the channel with the bot token',
    file: 'test/discord/discord-ingress.test.ts',
    test: 'posts to the channel with the bot token when the interaction token has expired (401/404)',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'The same Slack command delivered 3 times',
    outcome: 'one task, one final message',
    file: 'test/reliability/faults.test.ts',
    test: 'the same command delivered 3 times makes one task and one final message',
    commands: 3,
    injected: '2 redeliveries',
  },
  {
    fault: 'The same Discord interaction delivered twice',
    outcome: 'one execution',
    file: 'test/discord/discord-ingress.test.ts',
    test: 'starts one execution when the same interaction arrives twice',
    commands: 2,
    injected: '1 redelivery',
  },
  {
    fault: 'Known secrets in a full run',
    outcome: 'no secret and no presigned signature in any log line',
    file: 'test/reliability/secrets-in-logs.test.ts',
    test: 'from a signed Slack command, through every step, to the posted link',
    commands: 1,
    injected: '0 (a scan)',
  },
  {
    fault: `TokenBay answers 429 to submits over ${BURST.submitsPerSecond} a second, with Retry-After (a burst of ${BURST.commands})`,
    outcome: `submits wait as asked (in the state machine) and are sent again until accepted: ${BURST.commands} videos, ${BURST.commands} accepted submits, no duplicate task, no failure message, every command acknowledged`,
    file: 'test/reliability/deployed-faults.test.ts',
    test: `${BURST.commands} commands at once: every video made once, no failure message`,
    commands: BURST.commands,
    injected: '429 on every submit over the rate (counted by the simulator, asserted > 0)',
  },
  {
    fault: 'StartExecution throttled at the ingress',
    outcome:
      'retried within 2 s; otherwise a private “clipbay is busy, try again in a minute”, never a 5xx or silence',
    file: 'test/reliability/deployed-faults.test.ts',
    test: 'StartExecution throttled: retried within the ack budget, else a private "busy", never a 5xx',
    commands: 2,
    injected: '2 throttles, then throttling for the whole ack budget',
  },
  {
    fault: 'The SaveToS3 container is killed at 50 % of the transfer',
    outcome:
      'Step Functions retries the step; the leftover multipart upload is aborted; the object is byte-identical; ListMultipartUploads shows none',
    file: 'test/reliability/deployed-faults.test.ts',
    test: 'a SaveToS3 container killed at 50 % of the transfer: retried, byte-identical, no upload left behind',
    commands: 1,
    injected: '1 (SIGKILL)',
  },
  {
    fault: 'S3 answers 503 SlowDown to UploadPart',
    outcome: 'retried by the SDK; byte-identical',
    file: 'test/reliability/deployed-faults.test.ts',
    test: 'S3 503 SlowDown on UploadPart: retried, byte-identical',
    commands: 1,
    injected: '2',
  },
  {
    fault: 'Slack answers 429 (Retry-After) to the final message',
    outcome: 'PostLink waits as asked and sends it again: delivered once',
    file: 'test/reliability/deployed-faults.test.ts',
    test: 'Slack 429 on the final message: sent again after Retry-After, delivered once',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'Discord answers 429 (retry_after) to a progress edit',
    outcome: 'the progress update is skipped (never waited out); the final edit is delivered',
    file: 'test/reliability/deployed-faults.test.ts',
    test: 'Discord 429 on a progress edit: the update is skipped, the final edit is delivered',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'Discord answers 429 (retry_after) to the final edit',
    outcome: 'PostLink waits as asked and edits again: delivered',
    file: 'test/reliability/deployed-faults.test.ts',
    test: 'Discord 429 on the final edit: sent again after retry_after, delivered',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'Secrets Manager throttled at a cold start',
    outcome: 'that request fails; the next one on the same container works (no failure is cached)',
    file: 'test/account/deployed-shape.test.ts',
    test: 'recovers from a throttled Secrets Manager at a cold start: the failure is not kept',
    commands: 2,
    injected: '10 throttles (more than the SDK retries)',
  },
  {
    fault: 'A Lambda runs past its timeout',
    outcome:
      'the container is stopped and replaced; the user is told; the next command works; the submit is not sent again',
    file: 'test/reliability/deployed-faults.test.ts',
    test: 'is stopped and started again: the user is told, the next command works',
    commands: 2,
    injected: '1 (TokenBay holds the submit past the 3 s timeout)',
  },
  {
    fault: 'A Lambda container crashes',
    outcome: 'a new container (cold start) answers the next request',
    file: 'test/account/deployed-shape.test.ts',
    test: 'starts a new container after one crashes',
    commands: 2,
    injected: '1 (SIGKILL)',
  },
  {
    fault: 'Slack app without the `files:write` scope (`missing_scope` on the clip’s upload)',
    outcome: 'the link message is the answer; PostLink logs `fallback: missing-scope` and what to add',
    file: 'test/notify/inline-clips.test.ts',
    test: 'Slack without files:write (missing_scope): the link message stays the answer, and the log says why',
    commands: 1,
    injected: '1',
  },
  {
    fault: 'Slack’s upload URL answers 500',
    outcome: 'the link message stays the answer, not retried (it is already posted); no URL in the log',
    file: 'test/notify/inline-fallbacks.test.ts',
    test: 'the upload URL failing (500): the link message stays, the reason logged without the URL',
    commands: 0,
    injected: '1',
  },
  {
    fault: 'Discord refuses the attached clip (413, or 400 with code 40005)',
    outcome: 'the @original edit is sent again as the link message; PostLink logs `fallback: too-large`',
    file: 'test/notify/inline-clips.test.ts',
    test: 'Discord refusing the attachment (413, then 400 code 40005): the link message instead, reason too-large',
    commands: 2,
    injected: '1 each',
  },
  {
    fault: 'Discord interaction token expired (404) when the clip is attached',
    outcome: 'the bot token posts to the channel with the clip attached, the same bytes as stored',
    file: 'test/notify/inline-clips.test.ts',
    test: 'Discord with an expired interaction token: the bot posts to the channel with the clip attached',
    commands: 1,
    injected: 'every edit of that token',
  },
  {
    fault: 'DynamoDB throttles the usage ledger at the ingress',
    outcome: 'a private “clipbay is busy, try again in a minute”; nothing started, never a 5xx',
    file: 'test/usage/usage-limits.test.ts',
    test: 'DynamoDB throttling the ledger at the ingress: a private “busy”, nothing started',
    commands: 1,
    injected: 'every ledger call while it lasts',
  },
  {
    fault: 'Step Functions throttles the start after the ledger reserved',
    outcome: 'the reservation is given back (no ledger row, no count); a private “busy”',
    file: 'test/usage/usage-limits.test.ts',
    test: 'a throttled start gives back what it reserved: no row, no count',
    commands: 2,
    injected: 'every StartExecution while it lasts',
  },
  {
    fault: 'TokenBay has not settled the task’s `quota` at SUCCESS',
    outcome: 'the clip is posted first; one poll interval later SettleUsage reads the quota once more',
    file: 'test/usage/usage-limits.test.ts',
    test: 'a quota TokenBay settles late is read once more after one poll interval; delivery does not wait for it',
    commands: 1,
    injected: '1 (the SUCCESS poll without quota)',
  },
  {
    fault: 'TokenBay never reports the `quota`',
    outcome: 'recorded as unknown (never guessed); the clip delivered as usual',
    file: 'test/usage/usage-limits.test.ts',
    test: 'a quota never settled is recorded as unknown, and the clip is still delivered',
    commands: 1,
    injected: 'every query',
  },
  {
    fault: 'A run fails before any task was created (TokenBay refuses the submit)',
    outcome: 'its place in today’s count and its concurrent slot are given back',
    file: 'test/usage/usage-limits.test.ts',
    test: 'a run that failed before anything was submitted gives back its place in today’s count and its slot',
    commands: 2,
    injected: '1',
  },
];
