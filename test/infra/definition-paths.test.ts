import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { describeUnguarded, findUnguardedPaths, requiredPaths } from '../../infra/definition-paths.js';
import { STATE_RESULTS } from '../../infra/video-workflow.js';
import { workflowInputSchema } from '../../functions/core/chat/accepted-command.js';
import { workflowDefinition } from '../helpers/workflow-harness.js';

type Definition = { StartAt: string; States: Record<string, unknown> };
const shapes = { input: workflowInputSchema, results: STATE_RESULTS };

/** The definition as it was deployed before this check existed (issue 25), kept as found. */
const before = JSON.parse(
  readFileSync(new URL('./fixtures/definition-before-issue-25.json', import.meta.url), 'utf8'),
) as Definition;

describe('static check: every path a Choice compares is present on every way into it', () => {
  it('the synthesized definition reads no path that may be missing', () => {
    const problems = findUnguardedPaths(workflowDefinition() as Definition, shapes);
    expect(describeUnguarded(problems)).toEqual([]);
  });

  it('fails on the definition as it was: a first poll refused left the settle Choice on a missing $.status', () => {
    const problems = findUnguardedPaths(before, shapes);
    const ways = problems.find((p) => p.state === 'IsFailedRunQuotaKnown')!.missingOn;
    // ReportFailure passes on what it was given: reached from a Catch, that has no $.status.
    expect(ways).toEqual(['ReportFailure', 'ReportFailure (Catch)']);
    // The throttled Submit's wait read a path the union of Submit's answers does not promise.
    expect(problems.map((p) => `${p.state} ${p.path}`).sort()).toEqual([
      'IsFailedRunQuotaKnown $.status.outcome',
      'WaitToResubmit $.task.retryAfterSeconds',
    ]);
    expect(describeUnguarded(problems.filter((p) => p.state === 'IsFailedRunQuotaKnown'))[0]).toMatch(
      /^IsFailedRunQuotaKnown reads \$\.status\.outcome, which may be missing on the way from ReportFailure, ReportFailure \(Catch\): guard it with IsPresent/,
    );
  });

  const machine = (states: Record<string, unknown>): Definition => ({ StartAt: 'Poll', States: states });
  const poll = {
    Type: 'Task',
    Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Poll',
    ResultPath: '$.status',
    Next: 'Check',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Check' }],
  };
  const compare = { Variable: '$.status.outcome', StringEquals: 'ready', Next: 'Done' };
  const done = { Done: { Type: 'Succeed' } };
  const results = {
    input: z.object({ id: z.string() }),
    results: { Poll: z.object({ outcome: z.string() }) },
  };
  /** The unguarded paths when `rule`, in a Choice before the comparison, leads to it by its Next or its Default. */
  const guarded = (rule: Record<string, unknown>, into: 'Next' | 'Default') =>
    findUnguardedPaths(
      machine({
        Poll: poll,
        Check: {
          Type: 'Choice',
          Choices: [{ ...rule, Next: into === 'Next' ? 'Compare' : 'Done' }],
          Default: into === 'Default' ? 'Compare' : 'Done',
        },
        Compare: { Type: 'Choice', Choices: [compare], Default: 'Done' },
        ...done,
      }),
      results,
    );

  it('an IsPresent inside the same And is no guard: AWS documents no evaluation order', () => {
    const problems = findUnguardedPaths(
      machine({
        Poll: poll,
        Check: {
          Type: 'Choice',
          Choices: [{ And: [{ Variable: '$.status.outcome', IsPresent: true }, compare], Next: 'Done' }],
          Default: 'Done',
        },
        ...done,
      }),
      results,
    );
    expect(problems).toEqual([{ state: 'Check', path: '$.status.outcome', missingOn: ['Poll (Catch)'] }]);
  });

  it('an IsPresent in an earlier Choice guards every branch it leads to, and Default after IsPresent false', () => {
    expect(guarded({ Variable: '$.status', IsPresent: true }, 'Next')).toHaveLength(1); // $.status is not $.status.outcome
    expect(guarded({ Variable: '$.status.outcome', IsPresent: true }, 'Next')).toEqual([]);
    expect(guarded({ Variable: '$.status.outcome', IsPresent: false }, 'Default')).toEqual([]);
    expect(guarded({ Not: { Variable: '$.status.outcome', IsPresent: true } }, 'Default')).toEqual([]);
    expect(guarded({ Variable: '$.status.outcome', IsPresent: true }, 'Default')).toHaveLength(1);
    expect(
      guarded(
        {
          Or: [
            { Variable: '$.status.outcome', IsPresent: true },
            { Variable: '$.error', IsPresent: true },
          ],
        },
        'Next',
      ),
    ).toHaveLength(1);
  });

  it("a Task's known result counts on its way out, a Catch's does not, and a loop keeps only what every lap holds", () => {
    const problems = findUnguardedPaths(
      machine({
        Poll: { ...poll, Catch: undefined, Next: 'Check' },
        Check: { Type: 'Choice', Choices: [compare], Default: 'Again' },
        Again: { Type: 'Task', Resource: 'x', ResultPath: '$', Next: 'Poll' },
        ...done,
      }),
      results,
    );
    expect(problems).toEqual([]);
    // A Task that replaces the whole state ($) with an unknown result loses what the input had.
    const lost = findUnguardedPaths(
      machine({
        Poll: { ...poll, Catch: undefined, Next: 'Wipe' },
        Wipe: { Type: 'Task', Resource: 'x', ResultPath: '$', Next: 'Check' },
        Check: { Type: 'Choice', Choices: [compare], Default: 'Done' },
        ...done,
      }),
      results,
    );
    expect(lost).toEqual([{ state: 'Check', path: '$.status.outcome', missingOn: ['Wipe'] }]);
  });

  it('a Wait reads its SecondsPath, so it needs the same guard', () => {
    const problems = findUnguardedPaths(
      machine({
        Poll: { ...poll, Next: 'Pause' },
        Check: { Type: 'Succeed' },
        Pause: { Type: 'Wait', SecondsPath: '$.status.delay', Next: 'Done' },
        ...done,
      }),
      results,
    );
    expect(problems).toEqual([{ state: 'Pause', path: '$.status.delay', missingOn: ['Poll'] }]);
  });

  it('a Wait passes its input on: what was present before it is present after', () => {
    const problems = findUnguardedPaths(
      machine({
        Poll: { ...poll, Catch: undefined, Next: 'Pause' },
        Pause: { Type: 'Wait', Seconds: 5, Next: 'Check' },
        Check: { Type: 'Choice', Choices: [compare], Default: 'Done' },
        ...done,
      }),
      results,
    );
    expect(problems).toEqual([]);
  });

  it('refuses forms it does not model rather than pass them', () => {
    expect(() =>
      findUnguardedPaths(machine({ Poll: { Type: 'Parallel', Branches: [], End: true } }), results),
    ).toThrow(/does not model Parallel/);
    expect(() => findUnguardedPaths(machine({ Poll: { ...poll, OutputPath: '$.status' } }), results)).toThrow(
      /does not model OutputPath/,
    );
  });

  it('counts what the input promises, and says when a path is missing from the start', () => {
    const reads = (variable: string) =>
      findUnguardedPaths(
        machine({
          Poll: {
            Type: 'Choice',
            Choices: [{ Variable: variable, StringEquals: 'x', Next: 'Done' }],
            Default: 'Done',
          },
          ...done,
        }),
        results,
      );
    expect(reads('$.id')).toEqual([]);
    const problems = reads('$.missing');
    expect(problems).toEqual([{ state: 'Poll', path: '$.missing', missingOn: [] }]);
    expect(describeUnguarded(problems)[0]).toMatch(
      /^Poll reads \$\.missing, which may be missing on the way from the start: guard it/,
    );
  });

  it('reads the paths inside Not and the second path of a …Path comparison', () => {
    const check = (rule: Record<string, unknown>) =>
      findUnguardedPaths(
        machine({
          Poll: poll,
          Check: { Type: 'Choice', Choices: [{ ...rule, Next: 'Done' }], Default: 'Done' },
          ...done,
        }),
        results,
      ).map((p) => p.path);
    expect(check({ Not: { Variable: '$.status.outcome', StringEquals: 'ready' } })).toEqual([
      '$.status.outcome',
    ]);
    // $.id is in every input; the second path is not.
    expect(check({ Variable: '$.id', StringEqualsPath: '$.status.outcome' })).toEqual(['$.status.outcome']);
  });

  it('labels the Default way, and proves presence through Or and And only when every branch does', () => {
    const present = { Variable: '$.status.outcome', IsPresent: true };
    const absent = { Variable: '$.status.outcome', IsPresent: false };
    // IsPresent false proves nothing on its own branch.
    expect(guarded(absent, 'Next')).toEqual([
      { state: 'Compare', path: '$.status.outcome', missingOn: ['Check'] },
    ]);
    expect(guarded(present, 'Default')[0]!.missingOn).toEqual(['Check (Default)']);
    // Every branch of the Or proves it: it is present whichever matched.
    expect(
      guarded({ Or: [present, { And: [present, { Variable: '$.error', IsPresent: true }] }] }, 'Next'),
    ).toEqual([]);
    // When an And is false, some conjunct is: present only if each one's failing proves it.
    expect(guarded({ And: [absent, { Not: present }] }, 'Default')).toEqual([]);
    expect(guarded({ And: [absent, { Variable: '$.error', IsPresent: false }] }, 'Default')).toHaveLength(1);
  });

  it('knows what a Catch writes (Error and Cause) at its ResultPath', () => {
    const problems = findUnguardedPaths(
      machine({
        Poll: {
          ...poll,
          Next: 'Done',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Check' }],
        },
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.error.Error', StringEquals: 'States.Timeout', Next: 'Done' }],
          Default: 'Done',
        },
        ...done,
      }),
      results,
    );
    expect(problems).toEqual([]);
  });

  it('models ResultPath: null keeps the input, none replaces it with the result, $.a.b makes $.a', () => {
    const after = (task: Record<string, unknown>, variable: string) =>
      findUnguardedPaths(
        machine({
          Poll: { ...poll, Catch: undefined, Next: 'Write' },
          Write: { Type: 'Task', Resource: 'x', Next: 'Check', ...task },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: variable, IsNull: false, Next: 'Done' }],
            Default: 'Done',
          },
          ...done,
        }),
        { ...results, results: { ...results.results, Write: z.object({ size: z.number() }) } },
      ).map((p) => p.path);
    expect(after({ ResultPath: null }, '$.status.outcome')).toEqual([]);
    expect(after({}, '$.size')).toEqual([]);
    expect(after({}, '$.status.outcome')).toEqual(['$.status.outcome']);
    expect(after({ ResultPath: '$.a.b' }, '$.a')).toEqual([]);
    expect(after({ ResultPath: '$.a.b' }, '$.a.b')).toEqual([]);
    expect(after({ ResultPath: '$.a.b' }, '$.a.b.size')).toEqual([]);
    expect(after({ ResultPath: '$.a.b' }, '$.status.outcome')).toEqual([]);
    // Plain InputPath and OutputPath ($) are the default, so they are modelled.
    expect(after({ InputPath: '$', OutputPath: '$' }, '$.size')).toEqual([]);
  });

  it('passes the input through a Pass without Result, and replaces it with a Pass Result', () => {
    const through = (pass: Record<string, unknown>) =>
      findUnguardedPaths(
        machine({
          Poll: { ...poll, Catch: undefined, Next: 'Keep' },
          Keep: { Type: 'Pass', Next: 'Check', ...pass },
          Check: { Type: 'Choice', Choices: [compare], Default: 'Done' },
          ...done,
        }),
        results,
      ).map((p) => p.path);
    expect(through({})).toEqual([]);
    expect(through({ Result: { outcome: 'ready' } })).toEqual(['$.status.outcome']);
    expect(through({ Result: { outcome: 'ready' }, ResultPath: '$.extra' })).toEqual([]);
  });

  it('refuses a state it cannot find, Parameters and ResultSelector, and ResultPaths it does not model', () => {
    expect(() => findUnguardedPaths(machine({ Poll: { ...poll, Next: 'Nowhere' } }), results)).toThrow(
      'The definition names a state it does not have: Nowhere',
    );
    for (const key of ['Parameters', 'ResultSelector'])
      expect(() =>
        findUnguardedPaths(
          machine({ Poll: { ...poll, Catch: undefined, [key]: {}, Next: 'Done' }, ...done }),
          results,
        ),
      ).toThrow(`Poll: the path check does not model ${key}.`);
    for (const resultPath of ['$.list[0]', '$$.Execution.Id', 'status'])
      expect(() =>
        findUnguardedPaths(
          machine({ Poll: { ...poll, Catch: undefined, ResultPath: resultPath, Next: 'Done' }, ...done }),
          results,
        ),
      ).toThrow(`The path check does not model ResultPath ${resultPath}.`);
  });

  it('reads required paths from the schemas: optional fields and union-only fields are not promised', () => {
    const schema = z.object({
      a: z.string(),
      b: z.string().optional(),
      c: z.object({ d: z.number(), e: z.number().optional() }),
      u: z.union([z.object({ x: z.string(), y: z.string() }), z.object({ x: z.string() })]),
    });
    expect(requiredPaths(schema, '$').sort()).toEqual(['$.a', '$.c', '$.c.d', '$.u', '$.u.x'].sort());
  });
});
