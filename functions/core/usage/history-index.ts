/**
 * The usage ledger's two indexes of run rows, newest first: a person's runs in a workspace
 * (`/video history`), and a channel's (`/video history --all`). Each is one Query.
 */
export const HISTORY_INDEX = {
  requester: { name: 'ByRequester', partitionKey: 'requesterKey', sortKey: 'requestedAt' },
  channel: { name: 'ByChannel', partitionKey: 'channelKey', sortKey: 'requestedAt' },
} as const;
export type HistoryIndex = keyof typeof HISTORY_INDEX;
