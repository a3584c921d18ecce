/** The form body Slack POSTs for a slash command (`/video …`), as the playground, tests and benchmarks send it. */
export function slackCommandBody(fields: {
  text: string;
  triggerId: string;
  responseUrl: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  teamId?: string;
}): string {
  return new URLSearchParams({
    command: '/video',
    text: fields.text,
    trigger_id: fields.triggerId,
    response_url: fields.responseUrl,
    user_id: fields.userId ?? 'U1',
    user_name: fields.userName ?? 'ana',
    channel_id: fields.channelId ?? 'C1',
    team_id: fields.teamId ?? 'T1',
    team_domain: 'clipbay',
    channel_name: 'general',
    api_app_id: 'A1',
  }).toString();
}

/** A click on one of clipbay's Slack buttons (`block_actions`), as tests send it to Bolt. */
export function slackButtonClick(fields: {
  actionId: string;
  value: string;
  triggerId: string;
  responseUrl: string;
  user?: { id: string; name: string };
  channelId?: string;
  actionTs?: string;
}): Record<string, unknown> {
  const user = fields.user ?? { id: 'U1', name: 'ana' };
  const channel = fields.channelId ?? 'C1';
  return {
    type: 'block_actions',
    trigger_id: fields.triggerId,
    response_url: fields.responseUrl,
    user: { id: user.id, username: user.name, name: user.name, team_id: 'T1' },
    team: { id: 'T1', domain: 'acme' },
    channel: { id: channel, name: 'general' },
    container: { type: 'message', channel_id: channel, message_ts: '1.2' },
    api_app_id: 'A1',
    token: 'deprecated',
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: 'b',
        value: fields.value,
        action_ts: fields.actionTs ?? '1',
      },
    ],
  };
}

/**
 * A submitted Slack modal (`view_submission`), as tests send it to Bolt: the view Slack opened
 * (its id, hash, callback id and private metadata) sent back with the inputs' state,
 * `values[block_id][action_id]`.
 */
export function slackViewSubmission(fields: {
  triggerId: string;
  view: { id: string; hash: string; callback_id: string; private_metadata: string };
  values: Record<string, Record<string, Record<string, unknown>>>;
  user?: { id: string; name: string };
}): Record<string, unknown> {
  const user = fields.user ?? { id: 'U1', name: 'ana' };
  return {
    type: 'view_submission',
    trigger_id: fields.triggerId,
    team: { id: 'T1', domain: 'acme' },
    user: { id: user.id, username: user.name, name: user.name, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated',
    view: { ...fields.view, type: 'modal', team_id: 'T1', state: { values: fields.values } },
  };
}
