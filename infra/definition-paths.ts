import * as z from 'zod';

/**
 * A static check of a state machine definition (Amazon States Language, JSONPath): every path a
 * Choice rule compares, and every path a Wait reads, must be present on every way into that state.
 *
 * Why: in Step Functions a Choice rule (or a Wait's `SecondsPath`) that reads a path missing from
 * its input fails the execution with `States.Runtime`, which no Catch catches, not even
 * `States.ALL`. The run then skips everything after it: the user's usage slot stays held and the
 * ledger row open. AWS documents no evaluation order inside `And`/`Or`, so an `IsPresent` in the
 * same rule does not count as a guard: it must come from an earlier state (an earlier Choice's
 * branch, or what a Task's result is known to hold).
 */

/** A path, as ASL writes it: `$.status.outcome`. */
type Path = string;

export interface DefinitionShapes {
  /** What every execution's input holds (the ingress's schema). */
  input: z.ZodType;
  /** Per Task state name: the schema of what its function returns, when known. */
  results: Record<string, z.ZodType>;
  /** What a Catch writes at its ResultPath (Step Functions writes `Error` and `Cause`). */
  caught?: z.ZodType;
}

export interface UnguardedPath {
  state: string;
  path: Path;
  /** The ways into the state on which the path may be missing, as `From` or `From (Catch)`. */
  missingOn: string[];
}

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: AslRule[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  ResultPath?: string | null;
  InputPath?: string | null;
  OutputPath?: string | null;
  Parameters?: unknown;
  ResultSelector?: unknown;
  SecondsPath?: string;
  TimestampPath?: string;
}

type AslRule = Record<string, unknown> & {
  Variable?: string;
  Next?: string;
  And?: AslRule[];
  Or?: AslRule[];
  Not?: AslRule;
};

interface Edge {
  from: string;
  to: string;
  label: string;
  present: ReadonlySet<Path>;
}

const CAUGHT = z.object({ Error: z.string(), Cause: z.string() });

/** Every `Unguarded` comparison in the definition; empty when each read path is always there. */
export function findUnguardedPaths(
  definition: { StartAt: string; States: Record<string, unknown> },
  shapes: DefinitionShapes,
): UnguardedPath[] {
  const states = definition.States as Record<string, AslState>;
  const entry = new Map<string, Set<Path>>();
  const start = new Set(requiredPaths(shapes.input, '$'));
  entry.set(definition.StartAt, start);
  const queue = [definition.StartAt];
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const edge of edgesFrom(name, states, entry.get(name)!, shapes)) {
      const before = entry.get(edge.to);
      const after = before ? intersect(before, edge.present) : new Set(edge.present);
      if (!before || after.size !== before.size) {
        entry.set(edge.to, after);
        queue.push(edge.to);
      }
    }
  }

  const incoming = [...entry.entries()].flatMap(([name, present]) =>
    edgesFrom(name, states, present, shapes),
  );
  const problems: UnguardedPath[] = [];
  for (const [name, present] of entry) {
    for (const path of readPaths(states[name]!)) {
      if (present.has(path)) continue;
      problems.push({
        state: name,
        path,
        missingOn: incoming.filter((e) => e.to === name && !e.present.has(path)).map((e) => e.label),
      });
    }
  }
  return problems;
}

/** One line per problem, for an error message or a test's failure output. */
export function describeUnguarded(problems: readonly UnguardedPath[]): string[] {
  return problems.map(
    (p) =>
      `${p.state} reads ${p.path}, which may be missing on the way from ${p.missingOn.join(', ') || 'the start'}: ` +
      'guard it with IsPresent in an earlier Choice (a missing path is States.Runtime, which no Catch catches).',
  );
}

function edgesFrom(
  name: string,
  states: Record<string, AslState>,
  present: ReadonlySet<Path>,
  shapes: DefinitionShapes,
): Edge[] {
  const state = states[name];
  if (!state) throw new Error(`The definition names a state it does not have: ${name}`);
  const edge = (to: string | undefined, label: string, paths: ReadonlySet<Path>): Edge[] =>
    to ? [{ from: name, to, label, present: paths }] : [];
  switch (state.Type) {
    case 'Succeed':
    case 'Fail':
      return [];
    case 'Wait':
      return edge(state.Next, name, onlyPlainPaths(name, state, present));
    case 'Pass':
    case 'Task': {
      const input = onlyPlainPaths(name, state, present);
      const result = shapes.results[name];
      const out =
        state.Type === 'Pass' && !('Result' in state)
          ? withResult(
              input,
              state.ResultPath,
              [...input].map((p) => p.replace(/^\$/, '')),
            )
          : withResult(input, state.ResultPath, result ? requiredPaths(result, '') : []);
      const caught = requiredPaths(shapes.caught ?? CAUGHT, '');
      return [
        ...edge(state.Next, name, out),
        ...(state.Catch ?? []).flatMap((c) =>
          edge(c.Next, `${name} (Catch)`, withResult(input, c.ResultPath, caught)),
        ),
      ];
    }
    case 'Choice': {
      const rules = state.Choices ?? [];
      const byDefault = new Set(present);
      for (const rule of rules) for (const path of presentWhenFalse(rule)) byDefault.add(path);
      return [
        ...rules.flatMap((rule) => edge(rule.Next, name, new Set([...present, ...presentWhenTrue(rule)]))),
        ...edge(state.Default, `${name} (Default)`, byDefault),
      ];
    }
    default:
      throw new Error(`${name}: the path check does not model ${state.Type} states.`);
  }
}

/** The paths a state reads from its input and needs present: Choice operands, Wait paths. */
function readPaths(state: AslState): Path[] {
  if (state.Type === 'Wait') return [state.SecondsPath, state.TimestampPath].filter((p) => p !== undefined);
  if (state.Type !== 'Choice') return [];
  const paths = new Set<Path>();
  const visit = (rule: AslRule) => {
    for (const child of [...(rule.And ?? []), ...(rule.Or ?? []), ...(rule.Not ? [rule.Not] : [])])
      visit(child);
    if (rule.Variable === undefined || rule.IsPresent !== undefined) return;
    paths.add(rule.Variable);
    // `StringEqualsPath` and the like read a second path.
    for (const [key, value] of Object.entries(rule))
      if (key.endsWith('Path') && typeof value === 'string') paths.add(value);
  };
  for (const rule of state.Choices ?? []) visit(rule);
  return [...paths];
}

/** Paths a rule proves present when it matches: its IsPresent tests (through And; Or needs all). */
function presentWhenTrue(rule: AslRule): Path[] {
  if (rule.Variable !== undefined && rule.IsPresent === true) return [rule.Variable];
  if (rule.And) return rule.And.flatMap(presentWhenTrue);
  if (rule.Or) return [...rule.Or.map((r) => new Set(presentWhenTrue(r))).reduce(intersect)];
  if (rule.Not) return presentWhenFalse(rule.Not);
  return [];
}

/** Paths a rule proves present when it does not match (`IsPresent: false`, `Not IsPresent`). */
function presentWhenFalse(rule: AslRule): Path[] {
  if (rule.Variable !== undefined && rule.IsPresent === false) return [rule.Variable];
  if (rule.Or) return rule.Or.flatMap(presentWhenFalse);
  if (rule.And) return [...rule.And.map((r) => new Set(presentWhenFalse(r))).reduce(intersect)];
  if (rule.Not) return presentWhenTrue(rule.Not);
  return [];
}

/** A state's input as it sees it: only the plain forms are modelled, anything else is refused. */
function onlyPlainPaths(name: string, state: AslState, present: ReadonlySet<Path>): ReadonlySet<Path> {
  for (const key of ['InputPath', 'OutputPath'] as const)
    if (state[key] !== undefined && state[key] !== '$')
      throw new Error(`${name}: the path check does not model ${key} ${String(state[key])}.`);
  for (const key of ['Parameters', 'ResultSelector'] as const)
    if (state[key] !== undefined) throw new Error(`${name}: the path check does not model ${key}.`);
  return present;
}

/** The input with a result written at `resultPath` (ASL: `$` replaces it, null discards the result). */
function withResult(input: ReadonlySet<Path>, resultPath: string | null | undefined, result: Path[]) {
  if (resultPath === null) return new Set(input);
  const at = resultPath ?? '$';
  if (!/^\$(\.[A-Za-z_][\w-]*)*$/.test(at))
    throw new Error(`The path check does not model ResultPath ${at}.`);
  const kept = [...input].filter((p) => p !== at && !p.startsWith(`${at}.`));
  // Writing `$.a.b` makes `$.a` exist too.
  const parents = at
    .split('.')
    .slice(1)
    .map((_, i, parts) => `$.${parts.slice(0, i + 1).join('.')}`);
  return new Set([...kept, ...parents, ...result.map((p) => `${at}${p}`)]);
}

/** The paths every value of `schema` has, under `prefix` (`$.status.outcome` …). */
export function requiredPaths(schema: z.ZodType, prefix: string): Path[] {
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      child.safeParse(undefined).success
        ? []
        : [`${prefix}.${key}`, ...requiredPaths(child, `${prefix}.${key}`)],
    );
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion)
    return [
      ...(schema.options as z.ZodType[])
        .map((option) => new Set(requiredPaths(option, prefix)))
        .reduce(intersect),
    ];
  return [];
}

function intersect<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> {
  return new Set([...a].filter((x) => b.has(x)));
}
