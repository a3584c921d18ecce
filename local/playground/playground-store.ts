import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Platform = 'slack' | 'discord';

/** One message as the platform would show it: Slack's Block Kit body or Discord's message body. */
export interface PlaygroundMessage {
  id: number;
  /** Only the person who typed the command sees it (Slack ephemeral, Discord flag 64). */
  ephemeral: boolean;
  body: Record<string, unknown>;
  updatedAt: number;
  /** How often it was edited in place (progress updates). */
  edits: number;
}

/**
 * A dialog the platform shows over the channel: a Slack modal (views.open, views.update) or a
 * Discord modal (interaction response type 9), until it is submitted or closed.
 */
export interface PlaygroundDialog {
  /** Slack's view id (V…); for Discord, the modal's custom_id. */
  id: string;
  /** Slack's view hash: an update naming an older one is refused, as Slack refuses it. */
  hash: string;
  /** The view (Slack) or the modal's data (Discord), as clipbay sent it. */
  body: Record<string, unknown>;
  /** Inline errors by block id (Slack's `response_action: "errors"`). */
  errors: Record<string, string>;
  /** Bumped on each change, so the page redraws only what changed. */
  version: number;
}

/** A file a person shared in the channel (an image to Animate). */
export interface SharedFile {
  name: string;
  contentType: string;
  size: number;
  /** Where the page shows it. */
  url: string;
  /** Where the platform's API serves it to clipbay (Slack's url_private needs the bot token). */
  platformUrl: string;
}

export interface Conversation {
  id: string;
  platform: Platform;
  command: string;
  createdAt: number;
  messages: PlaygroundMessage[];
  /**
   * What started it: a command typed, `/video` alone (the form), a button pressed, a shortcut
   * chosen, or a file shared. All but a typed command may end with no message of their own.
   */
  kind?: 'command' | 'form' | 'press' | 'shortcut' | 'file';
  /** The dialog open over the channel for it, if any. */
  dialog?: PlaygroundDialog | undefined;
  /** When its dialog was last submitted or closed. */
  dialogClosedAt?: number | undefined;
  /** The file the person shared (kind `file`). */
  file?: SharedFile | undefined;
}

const HISTORY_LIMIT = 50;

/**
 * What the playground shows: per command, the messages the chat platform would display, updated
 * in place as clipbay edits them. Kept in the data folder so earlier clips stay in the history
 * (their share links keep working across restarts).
 */
export class PlaygroundStore {
  private readonly conversations = new Map<string, Conversation>();
  private saving = Promise.resolve();

  constructor(readonly dataDir: string) {}

  async load(): Promise<void> {
    try {
      const saved = JSON.parse(await readFile(this.file(), 'utf8')) as Conversation[];
      for (const conversation of saved) this.conversations.set(conversation.id, conversation);
    } catch {
      // first start: nothing yet
    }
  }

  create(
    id: string,
    platform: Platform,
    command: string,
    extra: Pick<Conversation, 'kind' | 'file'> = { kind: 'command' },
  ): Conversation {
    const conversation: Conversation = {
      id,
      platform,
      command,
      createdAt: Date.now(),
      messages: [],
      ...extra,
    };
    this.conversations.set(id, conversation);
    this.persist();
    return conversation;
  }

  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  list(): Conversation[] {
    return [...this.conversations.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Adds a message, or replaces the last visible one (Slack replace_original, Discord @original). */
  post(id: string, body: Record<string, unknown>, options: { replace: boolean; ephemeral: boolean }): void {
    const conversation = this.conversations.get(id);
    if (!conversation) return;
    const last = [...conversation.messages].reverse().find((m) => !m.ephemeral);
    if (options.replace && last && !options.ephemeral) {
      last.body = body;
      last.updatedAt = Date.now();
      last.edits++;
    } else {
      conversation.messages.push({
        id: conversation.messages.length + 1,
        ephemeral: options.ephemeral,
        body,
        updatedAt: Date.now(),
        edits: 0,
      });
    }
    this.persist();
  }

  /** Replaces the last visible message of a conversation (a button's own message, edited in place). */
  replaceLast(id: string, body: Record<string, unknown>): void {
    this.post(id, body, { replace: true, ephemeral: false });
  }

  /** Opens a dialog over a conversation, or changes the one open (a new version). */
  showDialog(
    id: string,
    dialog: Omit<PlaygroundDialog, 'version' | 'errors'> & { errors?: Record<string, string> },
  ): void {
    const conversation = this.conversations.get(id);
    if (!conversation) return;
    conversation.dialog = {
      errors: {},
      ...dialog,
      version: (conversation.dialog?.version ?? 0) + 1,
    };
    this.persist();
  }

  closeDialog(id: string): void {
    const conversation = this.conversations.get(id);
    if (!conversation?.dialog) return;
    conversation.dialog = undefined;
    conversation.dialogClosedAt = Date.now();
    this.persist();
  }

  /** The conversation whose open dialog has this id (Slack's view id). */
  withDialog(dialogId: string): Conversation | undefined {
    return [...this.conversations.values()].find((c) => c.dialog?.id === dialogId);
  }

  private persist(): void {
    const recent = this.list().slice(0, HISTORY_LIMIT);
    this.saving = this.saving.then(() =>
      writeFile(this.file(), JSON.stringify(recent)).catch(() => undefined),
    );
  }

  flush(): Promise<void> {
    return this.saving;
  }

  private file(): string {
    return join(this.dataDir, 'playground.json');
  }
}
