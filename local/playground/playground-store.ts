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

export interface Conversation {
  id: string;
  platform: Platform;
  command: string;
  createdAt: number;
  messages: PlaygroundMessage[];
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

  create(id: string, platform: Platform, command: string): Conversation {
    const conversation: Conversation = { id, platform, command, createdAt: Date.now(), messages: [] };
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
