/**
 * Where a run's message in chat lives once a step had to post it as a new message (Slack's first
 * chat.postMessage, Discord's channel post after the interaction token expired). A step is retried
 * when its environment dies after its work, and its answer, the new message's id, dies with it;
 * the retry asks here first and edits that message instead of posting a second one. The message
 * each later step shows (progress, the clip, a failure) then replaces it in place.
 */
export interface RunMessages {
  /** The id of the message a step of this run posted anew, if one did. */
  recorded(executionId: string): Promise<string | undefined>;
  /** Keeps the id of the message just posted anew for this run. */
  record(executionId: string, messageId: string): Promise<void>;
}

/** What keeps the record: the run's ledger row (UsageLedger). */
export interface RunMessageStore {
  runMessage(executionId: string): Promise<string | undefined>;
  recordRunMessage(executionId: string, messageId: string): Promise<void>;
}

/**
 * The record over the ledger, as a courtesy that never fails a delivery: a record that cannot be
 * read is taken as none (the step posts, as it did before there was a record), and one that cannot
 * be written is reported and skipped (the message is out; only a retry of this step could repeat it).
 */
export function runMessagesIn(
  store: RunMessageStore,
  onError: (error: unknown, action: 'read' | 'write') => void,
): RunMessages {
  return {
    async recorded(executionId) {
      try {
        return await store.runMessage(executionId);
      } catch (error) {
        onError(error, 'read');
        return undefined;
      }
    },
    async record(executionId, messageId) {
      try {
        await store.recordRunMessage(executionId, messageId);
      } catch (error) {
        onError(error, 'write');
      }
    },
  };
}
