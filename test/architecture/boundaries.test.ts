import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** Lints one import as if it stood in `file`, and returns the boundary messages. */
async function boundaryMessages(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** The import rules of docs/ARCHITECTURE.md are lint rules: each fails on a deliberate violation. */
describe('architecture boundaries', () => {
  it.each([
    ['functions/core/notify/x.ts', "import '@slack/web-api';", /knows no platform/],
    ['functions/core/notify/x.ts', "import '@discordjs/rest';", /knows no platform/],
    ['functions/core/workflow/x.ts', "import '../../../bots/slack/slack-ingress.js';", /nothing from bots/],
    ['functions/core/workflow/x.ts', "import '../../../local/stack/local-stack.js';", /never imports local/],
    ['functions/core/workflow/x.ts', "import '../../runtime/lambda-config.js';", /no Lambda handler code/],
    ['functions/core/workflow/x.ts', "import '../../submit.js';", /no Lambda handler code/],
    [
      'functions/core/usage/x.ts',
      "import '../workflow/execution-state.js';",
      /only workflow\/ and ingress\//,
    ],
    ['functions/core/notify/x.ts', "import '../ingress/accept-command.js';", /only workflow\/ and ingress\//],
    ['functions/core/usage/x.ts', "import '@clipbay/platforms';", /nor the platform registry/],
    ['bots/slack/x.ts', "import '../discord/discord-messages.js';", /never imports Discord/],
    ['bots/discord/x.ts', "import '../slack/slack-messages.js';", /never imports Slack/],
    ['bots/slack/x.ts', "import '../../local/run-local-stack.js';", /never imports local/],
    ['functions/x.ts', "import '../local/stack/local-stack.js';", /never imports local/],
    ['infra/x.ts', "import '../bots/slack/slack-ingress.js';", /only constants and tables/],
    ['bench/x.ts', "import '../test/helpers/local-stack-harness.js';", /bench\/ never imports test/],
    ['test/x/y.test.ts', "import '../../bench/run.js';", /test\/ never imports bench/],
  ])('%s: %s is refused', async (file, source, message) => {
    expect(await boundaryMessages(file, source)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['functions/core/workflow/x.ts', "import '../errors.js';"],
    ['functions/core/workflow/x.ts', "import '../usage/usage-ledger.js';"],
    ['functions/core/ingress/x.ts', "import '../chat/accepted-command.js';"],
    ['bots/slack/x.ts', "import '../../functions/core/errors.js';"],
    ['local/x.ts', "import '../bots/slack/slack-ingress.js';"],
    ['infra/x.ts', "import '../functions/core/errors.js';"],
  ])('%s: %s is allowed', async (file, source) => {
    expect(await boundaryMessages(file, source)).toEqual([]);
  });

  it('names each file once across the layers: no two files of functions/ and bots/ share a name', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = [
      ...(await readdir('functions', { recursive: true })),
      ...(await readdir('bots', { recursive: true })),
    ].filter((path) => path.endsWith('.ts'));
    const byName = new Map<string, string[]>();
    for (const path of files) {
      const name = path.split('/').at(-1)!;
      byName.set(name, [...(byName.get(name) ?? []), path]);
    }
    expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
  });
});
