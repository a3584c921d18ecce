/**
 * `npm run slack:socket`: clipbay on this machine, connected to a real Slack workspace over Socket
 * Mode (no public URL needed). Requires SLACK_APP_TOKEN (xapp-, connections:write); set
 * SLACK_BOT_TOKEN too so progress is one message updated in place.
 */
import { runLocalStack } from '../../local/run-local-stack.js';

runLocalStack({ requireSlackSocket: true });
