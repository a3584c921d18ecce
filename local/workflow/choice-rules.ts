/** The type tests of a Choice rule: `"IsPresent": false` means "is not present", and so on. */
const TYPE_TESTS = ['IsPresent', 'IsNull', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

type Json = unknown;

/**
 * The definition with every `"Is…": false` Choice rule written as `Not { "Is…": true }`, which
 * means the same in Step Functions. aws-local-stepfunctions 3 evaluates `"IsPresent": false` (and
 * the other type tests with false) as always false, so a Choice that branches on a missing field
 * would take the wrong way locally while AWS takes the right one. The rewrite keeps the local run
 * faithful to the deployed definition; the deployed definition itself is unchanged.
 */
export function withFaithfulTypeTests<T extends Json>(definition: T): T {
  return rewrite(definition) as T;
}

function rewrite(value: Json): Json {
  if (Array.isArray(value)) return value.map(rewrite);
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, Json>;
  const negated = TYPE_TESTS.find((test) => object[test] === false);
  if (negated && typeof object.Variable === 'string') {
    const { Next, ...rule } = object;
    return {
      Not: { ...rule, [negated]: true },
      ...(Next === undefined ? {} : { Next }),
    };
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, rewrite(v)]));
}
