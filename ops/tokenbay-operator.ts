import type { Answers, Question } from './answers.js';
import { failed, passed, type CheckResult } from './check-result.js';
import { OperatorError } from './operator-error.js';
import type { SecretStore } from './secret-store.js';
import { checkTokenBayKey } from './tokenbay-key-check.js';

export const TOKENBAY_KEY: Question = {
  flag: 'tokenbay-api-key',
  env: 'TOKENBAY_API_KEY',
  message: 'TokenBay API key (sk-…)',
  secret: true,
  problem: (key) => (key.startsWith('sk-') ? undefined : 'must start with sk-'),
};

const KEY_FIX = 'Make a key in your TokenBay dashboard, then: npm run connect -- --tokenbay-api-key=sk-…';

/** The key the TokenBay secret holds: JSON `{ "apiKey" }`, or a bare `sk-…` pasted in the console. */
export async function storedTokenBayKey(secrets: SecretStore, secretId: string): Promise<string | undefined> {
  const text = (await secrets.text(secretId)).trim();
  if (text.startsWith('sk-')) return text;
  try {
    const { apiKey } = JSON.parse(text) as { apiKey?: unknown };
    return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TokenBay's part of `connect`: the key given (or, when none is, the one the stack holds) is checked
 * with a request that costs nothing, and written only once TokenBay has accepted it.
 */
export async function connectTokenBay(
  answers: Answers,
  secrets: SecretStore,
  tokenBay: { baseUrl: string; secretId: string },
  say: (line: string) => void,
): Promise<void> {
  const given = answers.given(TOKENBAY_KEY);
  const stored = await storedTokenBayKey(secrets, tokenBay.secretId);
  if (!given && stored && (await checkTokenBayKey(tokenBay.baseUrl, stored)).verdict === 'accepted') {
    say('The TokenBay key in the stack is accepted');
    return;
  }
  const key = given ?? (await answers.need(TOKENBAY_KEY));
  const verdict = await checkTokenBayKey(tokenBay.baseUrl, key);
  if (verdict.verdict === 'refused')
    throw new OperatorError(`TokenBay refused the key (${verdict.detail}); nothing was written.`, KEY_FIX);
  if (verdict.verdict === 'unknown')
    throw new OperatorError(
      `TokenBay could not be asked about the key (${verdict.detail}); nothing was written.`,
      `Check that ${tokenBay.baseUrl} can be reached, then run this again.`,
    );
  const saved = await secrets.save(tokenBay.secretId, { apiKey: key });
  say(
    saved === 'written'
      ? 'TokenBay accepted the key; wrote it into the stack'
      : 'TokenBay accepted the key the stack already holds',
  );
}

/** `doctor`: the stack's key is there and TokenBay accepts it. */
export async function tokenBayChecks(
  secrets: SecretStore,
  tokenBay: { baseUrl: string; secretId: string },
): Promise<CheckResult[]> {
  const key = await storedTokenBayKey(secrets, tokenBay.secretId);
  if (!key) return [failed('TokenBay secret', 'not filled', KEY_FIX)];
  const verdict = await checkTokenBayKey(tokenBay.baseUrl, key);
  if (verdict.verdict === 'accepted') return [passed('TokenBay key', `accepted by ${tokenBay.baseUrl}`)];
  if (verdict.verdict === 'refused')
    return [failed('TokenBay key', `refused by TokenBay (${verdict.detail})`, KEY_FIX)];
  return [
    failed(
      'TokenBay key',
      `TokenBay could not be asked: ${verdict.detail}`,
      `Check that ${tokenBay.baseUrl} can be reached.`,
    ),
  ];
}
