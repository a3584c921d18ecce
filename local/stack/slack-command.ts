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
