import { App } from 'aws-cdk-lib';
import { ClipbayStack, type ClipbayStackProps } from '../../infra/clipbay-stack.js';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** Fake Lambda ARN for a function's logical id; the local runner binds handlers by state name. */
export const localFunctionArn = (logicalId: string) =>
  `arn:aws:lambda:us-east-1:000000000000:function:${logicalId}`;

/**
 * Synthesizes the real CDK stack (asset bundling skipped: no esbuild run, no Docker) and returns
 * its CloudFormation template.
 */
export function synthesizeTemplate(props: ClipbayStackProps = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new ClipbayStack(app, 'Clipbay', props);
  return app.synth().getStackByName('Clipbay').template as Template;
}

/**
 * The state machine's ASL from a template: resolves the `Fn::Join` that CDK emits, mapping each
 * `Fn::GetAtt [Fn, Arn]` to a fake Lambda ARN, and parses it. The result loads unchanged into a
 * local interpreter.
 */
export function stateMachineDefinition(template: Template): Record<string, unknown> {
  const machine = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (!machine) throw new Error('The template has no state machine.');
  return JSON.parse(resolve(machine.Properties!.DefinitionString)) as Record<string, unknown>;
}

function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(resolve).join(separator);
  }
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
    if (attribute !== 'Arn') throw new Error(`Cannot resolve Fn::GetAtt ${logicalId}.${attribute} locally.`);
    return localFunctionArn(logicalId);
  }
  if (typeof node.Ref === 'string')
    return node.Ref === 'AWS::Partition' ? 'aws' : node.Ref === 'AWS::Region' ? 'us-east-1' : node.Ref;
  throw new Error(`Cannot resolve ${JSON.stringify(value).slice(0, 80)} locally.`);
}
