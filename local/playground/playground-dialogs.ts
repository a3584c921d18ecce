import { randomBytes } from 'node:crypto';
import { ComponentType, InteractionType } from 'discord-api-types/v10';
import * as z from 'zod';
import { slackViewProblems } from '../simulator/slack-view-limits.js';
import {
  newConversationId,
  PLAYGROUND_TEAM,
  type PlaygroundRequests,
  SLACK_ACTOR,
} from './playground-requests.js';
import type { Conversation, PlaygroundDialog, PlaygroundStore } from './playground-store.js';

/** What the page sends when a person changes a dialog's select, submits it, or closes it. */
export const dialogActionSchema = z.object({
  conversationId: z.string().max(100),
  action: z.enum(['change', 'submit', 'close']),
  /** Each field's value by its block id (Slack) or custom_id (Discord); checkboxes as a list. */
  values: z
    .record(z.string().max(255), z.union([z.string().max(4000), z.array(z.string().max(150))]))
    .default({}),
  /** The field a change came from (a select with dispatch_action). */
  changed: z.string().max(255).optional(),
});
export type DialogAction = z.infer<typeof dialogActionSchema>;

interface SlackOption {
  text: { text: string };
  value: string;
}
interface SlackElement {
  type: string;
  action_id: string;
  options?: SlackOption[];
  option_groups?: { options: SlackOption[] }[];
}
interface SlackBlock {
  type: string;
  block_id?: string;
  element?: SlackElement;
}

/**
 * Slack's views.open and views.update, as the playground's Web API stand-in answers them: the view
 * checked against Slack's documented limits (refused with `invalid_arguments` as Slack refuses it),
 * opened over the conversation whose trigger_id it names, or put in place of the open view with
 * that id (refused with `hash_conflict` when the hash is not the latest, as Slack does).
 */
export function slackViewsMethod(
  store: PlaygroundStore,
  method: 'views.open' | 'views.update',
  fields: Record<string, string>,
): Record<string, unknown> {
  let view: Record<string, unknown>;
  try {
    view = JSON.parse(fields.view ?? '') as Record<string, unknown>;
  } catch {
    return { ok: false, error: 'invalid_arguments' };
  }
  const problems = slackViewProblems(view);
  if (problems.length)
    return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
  const hash = `${Date.now()}.${randomBytes(4).toString('hex')}`;
  if (method === 'views.open') {
    const conversation = store.get(fields.trigger_id ?? '');
    if (!conversation) return { ok: false, error: 'invalid_trigger_id' };
    const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
    store.showDialog(conversation.id, { id, hash, body: view });
    return { ok: true, view: { ...view, id, hash, state: { values: {} } } };
  }
  const conversation = store.withDialog(fields.view_id ?? '');
  if (!conversation?.dialog) return { ok: false, error: 'not_found' };
  if (fields.hash && fields.hash !== conversation.dialog.hash) return { ok: false, error: 'hash_conflict' };
  store.showDialog(conversation.id, { id: conversation.dialog.id, hash, body: view });
  return { ok: true, view: { ...view, id: conversation.dialog.id, hash, state: { values: {} } } };
}

/**
 * What a person does in an open dialog, sent as the platform would send it: on Slack a select's
 * change (block_actions with the view), the submission (view_submission; inline errors come back
 * in its ack and stay on the form), or a close; on Discord the modal's submission (interaction
 * type 5, its follow-ups in the same conversation), or a close. The dialog as it now stands.
 */
export async function actOnDialog(
  requests: PlaygroundRequests,
  store: PlaygroundStore,
  action: DialogAction,
): Promise<PlaygroundDialog | undefined> {
  const conversation = store.get(action.conversationId);
  const dialog = conversation?.dialog;
  if (!conversation || !dialog) throw new Error('That dialog is no longer open.');
  if (action.action === 'close') {
    store.closeDialog(conversation.id);
    return undefined;
  }
  if (conversation.platform === 'discord') {
    if (action.action !== 'submit') throw new Error('A Discord modal has nothing to change.');
    store.closeDialog(conversation.id); // Discord closes a modal as it is submitted
    await requests.discord(
      conversation.id,
      requests.discordInteraction(
        newConversationId('discord'),
        InteractionType.ModalSubmit,
        discordModalData(dialog, action.values),
        conversation.id,
      ),
    );
    return undefined;
  }
  const view = slackViewState(dialog, action.values);
  if (action.action === 'change') {
    const block = (dialog.body.blocks as SlackBlock[]).find((b) => b.block_id === action.changed);
    if (!block?.element) throw new Error('No such field in the form.');
    await requests.slackInteraction({
      ...slackEnvelope('block_actions', conversation),
      container: { type: 'view', view_id: dialog.id },
      view,
      actions: [
        {
          type: block.element.type,
          action_id: block.element.action_id,
          block_id: block.block_id,
          ...(view.state.values[block.block_id!]?.[block.element.action_id] ?? {}),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    });
    return store.get(conversation.id)?.dialog;
  }
  const ack = await requests.slackInteraction({ ...slackEnvelope('view_submission', conversation), view });
  const answer = ack?.response_action;
  if (answer === 'errors')
    store.showDialog(conversation.id, { ...dialog, errors: (ack!.errors ?? {}) as Record<string, string> });
  else if (answer === 'update' && ack!.view)
    store.showDialog(conversation.id, {
      id: dialog.id,
      hash: dialog.hash,
      body: ack!.view as Record<string, unknown>,
    });
  else store.closeDialog(conversation.id); // an empty ack (or `clear`) closes the form
  return store.get(conversation.id)?.dialog;
}

/** The fields every Slack interaction from the playground's person carries. */
function slackEnvelope(type: string, conversation: Conversation) {
  return {
    type,
    token: 'deprecated',
    api_app_id: 'APLAYGROUND',
    trigger_id: `${conversation.id}.${randomBytes(3).toString('hex')}`,
    ...SLACK_ACTOR,
  };
}

type StateValue = Record<string, unknown>;

/**
 * The open view as Slack sends it back: its id, hash and metadata, and `state.values[block][action]`
 * for each input, shaped by the element's type (a text's `value`, a select's `selected_option`,
 * checkboxes' `selected_options`), the option objects taken from the view itself.
 */
function slackViewState(dialog: PlaygroundDialog, values: DialogAction['values']) {
  const body = dialog.body;
  const state: Record<string, Record<string, StateValue>> = {};
  for (const block of (body.blocks as SlackBlock[] | undefined) ?? []) {
    const element = block.element;
    if (block.type !== 'input' || !element || !block.block_id) continue;
    const given = values[block.block_id];
    const options = [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options)];
    const pick = (value: string) => options.find((o) => o.value === value) ?? null;
    state[block.block_id] = {
      [element.action_id]:
        element.type === 'static_select'
          ? { type: element.type, selected_option: typeof given === 'string' ? pick(given) : null }
          : element.type === 'checkboxes'
            ? {
                type: element.type,
                selected_options: (Array.isArray(given) ? given : []).map(pick).filter((o) => o !== null),
              }
            : { type: element.type, value: typeof given === 'string' && given !== '' ? given : null },
    };
  }
  return {
    id: dialog.id,
    hash: dialog.hash,
    type: 'modal',
    team_id: PLAYGROUND_TEAM,
    callback_id: body.callback_id,
    private_metadata: body.private_metadata ?? '',
    title: body.title,
    blocks: body.blocks,
    state: { values: state },
  };
}

interface DiscordTextInput {
  type: number;
  custom_id: string;
}

/** A Discord modal's submission data: its custom_id, and each text input's value in its row. */
function discordModalData(dialog: PlaygroundDialog, values: DialogAction['values']) {
  const rows = (dialog.body.components as { components: DiscordTextInput[] }[] | undefined) ?? [];
  return {
    custom_id: dialog.id,
    components: rows.map((row) => ({
      type: ComponentType.ActionRow,
      components: row.components.map((input) => ({
        type: ComponentType.TextInput,
        custom_id: input.custom_id,
        value: String(values[input.custom_id] ?? ''),
      })),
    })),
  };
}
